"""``TextVectorization``: text -> token indices or token counts, as Keras 3.15 does it.

Each string is standardized (``"lower_and_strip_punctuation"``: ASCII lowercase, then
Keras's punctuation class removed), split (``"whitespace"``: runs of ASCII
whitespace; ``"character"``: Unicode characters), turned into n-grams (every width in
turn, joined by a space) and looked up in the vocabulary of a ``StringLookup`` with
mask ``""`` (index 0 in ``"int"`` mode) and one OOV token ``"[UNK]"``. ``"int"`` gives
int64 rows padded with 0 to the longest row (or cut/padded to
``output_sequence_length``); ``"multi_hot"`` and ``"count"`` give int64
``(batch, vocabulary_size)`` rows, ``"tf_idf"`` float32 counts times the idf weights.

A callable ``standardize`` receives a string tensor (use ``tf.strings``, as with
TensorFlow's backend); a callable ``split`` receives the standardized rank-1 tensor and
returns a tensor of tokens, its rows padded with ``b""`` (what ``tf.strings.split``
gives here), or a list of token lists.

Example:
    >>> layer = TextVectorization(max_tokens=5000, output_sequence_length=4)
    >>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    >>> layer([["foo qux bar"], ["qux baz"]]).numpy()
    array([[4, 1, 3, 0],
           [1, 2, 0, 0]])
    >>> layer.get_vocabulary()
    ['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']
"""
import itertools

import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.layers.preprocessing.lookup_utils import (adapt_batches, as_array,
                                                              encode_rows, listify)
from tapeflow.keras.layers.preprocessing.string_lookup import StringLookup
from tapeflow.keras.serialization_lib import deserialize_keras_object, serialize_keras_object
from tapeflow.string_arrays import as_bytes_array, ngram_list
from tapeflow.strings import lower, regex_replace, unicode_split
from tapeflow.tensor import Tensor

__all__ = ["TextVectorization"]

_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"TextVectorization: `{arg}` must be one of {allowed}, None or a "
                     f"callable. Received: {arg}={value!r}")


def _check_args(standardize, split, ngrams, output_mode, output_sequence_length, ragged,
                sparse):
    _check_choice(standardize, _STANDARDIZE, "standardize")
    _check_choice(split, _SPLIT, "split")
    if output_mode not in ("int", "one_hot", "multi_hot", "count", "tf_idf"):
        raise ValueError(f'TextVectorization: `output_mode` must be one of "int", '
                         f'"multi_hot", "count" or "tf_idf". Received: '
                         f'output_mode={output_mode!r}')
    if not (ngrams is None or isinstance(ngrams, int) or isinstance(ngrams, tuple) and all(
            isinstance(n, int) for n in ngrams)):
        raise ValueError(f"TextVectorization: `ngrams` must be None, an integer, or a tuple "
                         f"of integers. Received: ngrams={ngrams}")
    if output_mode == "int" and not (output_sequence_length is None or isinstance(
            output_sequence_length, int)):
        raise ValueError(f"TextVectorization: `output_sequence_length` must be either None "
                         f"or an integer when `output_mode` is 'int'. Received: "
                         f"output_sequence_length={output_sequence_length}")
    if output_mode != "int" and output_sequence_length is not None:
        raise ValueError(f"TextVectorization: `output_sequence_length` must not be set if "
                         f"`output_mode` is not 'int'. Received "
                         f"output_sequence_length={output_sequence_length} with "
                         f"output_mode={output_mode!r}.")
    if ragged or sparse:
        raise ValueError(f"TextVectorization: `ragged=True` and `sparse=True` need "
                         f"TensorFlow's RaggedTensor / SparseTensor, which tapeflow does not "
                         f"provide. Received: ragged={ragged}, sparse={sparse}; use "
                         f"output_sequence_length (int mode) or the dense output.")


@keras_export("keras.layers")
class TextVectorization(Layer):
    """Map text to integer sequences or to token-count vectors (module docstring).

    Args:
        max_tokens: the vocabulary's maximum size, ``""`` and ``"[UNK]"`` included.
        standardize: ``"lower_and_strip_punctuation"``, ``"lower"``,
            ``"strip_punctuation"``, None or a callable on a string tensor.
        split: ``"whitespace"``, ``"character"``, None or a callable.
        ngrams: None, an int n (widths 1..n) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        output_sequence_length: ``"int"`` only: cut or pad each row to this length.
        pad_to_max_tokens: make the count axis ``max_tokens`` long.
        vocabulary: a list/array/tensor of strings or a text file, instead of adapt.
        idf_weights: the idf weights of a given vocabulary (``"tf_idf"``).
        encoding: the text encoding (``"utf-8"``).
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode,
                                                                        output_mode)
        _check_args(standardize, split, ngrams, output_mode, output_sequence_length, ragged,
                    sparse)
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        d = self.__dict__
        d["_max_tokens"], d["_standardize"], d["_split"] = max_tokens, standardize, split
        d["_ngrams_arg"] = ngrams
        d["_ngrams"] = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        d["_output_mode"], d["_output_sequence_length"] = output_mode, output_sequence_length
        d["_ragged"], d["_encoding"], d["_has_input_vocabulary"] = ragged, encoding, has_vocab
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=has_vocab, encoding=encoding,
            vocabulary_size=vocabulary_size)

    @property
    def compute_dtype(self):
        return "string"

    @property
    def variable_dtype(self):
        return "string"

    def build(self, input_shape=None):
        pass

    # --- the preprocessing steps ---------------------------------------------------------
    def _standardized(self, inputs):
        """Standardized strings, an object array of bytes."""
        who = f'Layer "{self.name}" (TextVectorization)'
        try:
            text = as_bytes_array(as_array(inputs), "TextVectorization")
        except TypeError:
            arr = as_array(inputs)
            raise TypeError(f"{who} expects strings; received an array of dtype {arr.dtype} "
                            f"and shape {arr.shape}. Pass text (str or bytes), e.g. "
                            f"layer(['some text']).") from None
        standardize = self._standardize
        if standardize in ("lower", "lower_and_strip_punctuation"):
            text = lower(text).array
        if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = regex_replace(text, _PUNCTUATION, "").array
        if callable(standardize):
            text = as_bytes_array(standardize(Tensor(text)), "TextVectorization standardize")
        return text

    def _tokens(self, inputs):
        """``(rows, lead_shape)``: token lists and the shape they stand for (``()`` for a
        scalar); or ``(dense array, None)`` when ``split`` is None."""
        text = self._standardized(inputs)
        if self._split is None:
            return self._dense_ngrams(text), None
        if text.ndim > 1:
            if text.shape[-1] != 1:
                raise ValueError(f"When using `TextVectorization` to tokenize strings, the "
                                 f"input rank must be 1 or the last shape dimension must be "
                                 f"1. Received: inputs.shape={text.shape} with "
                                 f"rank={text.ndim}")
            text = text[..., 0]
        rows = self._split_rows(text)
        if self._ngrams is not None:
            rows = [ngram_list(row, self._ngrams) for row in rows]
        return rows, text.shape

    def _split_rows(self, text):
        if self._split == "whitespace":
            return [b.split() for b in text.reshape(-1).tolist()]
        if self._split == "character":
            return [_strip_padding(r) for r in _as_rows(unicode_split(text).array, text)]
        return [_strip_padding(r) for r in _as_rows(self._split(Tensor(text)), text)]

    def _dense_ngrams(self, text):
        if self._ngrams is None:
            return text
        if text.ndim == 0:
            text = text[None]
        rows = [ngram_list(r, self._ngrams) for r in text.reshape(-1, text.shape[-1]).tolist()]
        return np.array(rows, dtype=object).reshape(text.shape[:-1] + (-1,))

    # --- adapt ---------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and idf weights) from ``data``: a list or array of
        strings, a string tensor, or a ``tf.data.Dataset`` (or iterable) of batches;
        a dataset of ``(text, label)`` pairs is read for its text."""
        self.reset_state()
        for batch in adapt_batches(data, steps, self):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Count the tokens of one batch of text."""
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             f"vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             f"method.")
        tokens, shape = self._tokens(data)
        if shape is None:
            lookup.update_state(tokens)
        else:
            lookup.count_rows(tokens)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, ``""`` (int mode) and ``"[UNK]"`` first unless
        ``include_special_tokens=False``."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The vocabulary size, mask and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list/array/tensor or text file) and idf weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # --- call ----------------------------------------------------------------------------
    def _convert_input(self, x):
        if isinstance(x, (Tensor, KerasTensor)):
            return x
        return Tensor(as_array(x))

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._check_vocab_known()
        lookup.__dict__["_called"] = True
        tokens, shape = self._tokens(inputs)
        if shape is None:
            return self._finish_dense(lookup, tokens)
        flat = np.empty(sum(len(r) for r in tokens), dtype=object)
        flat[:] = list(itertools.chain.from_iterable(tokens))
        ends = np.cumsum([len(r) for r in tokens])
        indices = np.split(lookup.lookup(flat), ends[:-1])
        if self._output_mode != "int":
            out = encode_rows(indices, lookup._depth(), self._output_mode, lookup._idf)
            return Tensor(out.reshape(tuple(shape) + out.shape[-1:]))
        length = self._output_sequence_length
        width = max((len(r) for r in indices), default=0) if length is None else length
        out = np.zeros((len(indices), width), dtype=np.int64)
        for i, row in enumerate(indices):
            out[i, :min(len(row), width)] = row[:width]
        return Tensor(out.reshape(tuple(shape) + (width,)))

    def _finish_dense(self, lookup, text):
        out = lookup.encode(lookup.lookup(text))
        length = self._output_sequence_length
        if self._output_mode == "int" and length is not None:
            out = out[..., :length]
            pad = [(0, 0)] * (out.ndim - 1) + [(0, length - out.shape[-1])]
            out = np.pad(out, pad)
        return Tensor(out)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        depth = self._lookup_layer._depth()
        if self._split is None:
            return input_shape[:-1] + (depth,) if len(input_shape) > 1 else (depth,)
        lead = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 \
            else input_shape
        return lead + (depth,)

    def compute_output_spec(self, inputs, *args, **kwargs):
        dtype = "float32" if self._output_mode == "tf_idf" else "int64"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype)

    # --- config and saving -----------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer
        config = {"max_tokens": lookup.max_tokens,
                  "standardize": _serialize_callable(self._standardize),
                  "split": _serialize_callable(self._split), "ngrams": self._ngrams_arg,
                  "output_mode": self._output_mode,
                  "output_sequence_length": self._output_sequence_length,
                  "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
                  "ragged": self._ragged, "vocabulary": listify(lookup.input_vocabulary),
                  "idf_weights": listify(lookup.input_idf_weights),
                  "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)


def _serialize_callable(value):
    return serialize_keras_object(value) if callable(value) else value


def _as_rows(result, text):
    """A split callable's result as one token list per string of ``text``."""
    if isinstance(result, list) and (not result or isinstance(result[0], list)):
        rows = [[b.encode() if isinstance(b, str) else b for b in r] for r in result]
    else:
        arr = as_bytes_array(result, "TextVectorization split")
        rows = [arr.reshape(-1).tolist()] if text.ndim == 0 else \
            arr.reshape(text.size, -1).tolist()
    if len(rows) != max(text.size, 1):
        raise ValueError(f"TextVectorization: the split function returned {len(rows)} rows "
                         f"for {text.size} strings; it must keep the batch axis first.")
    return rows


def _strip_padding(row):
    while row and row[-1] == b"":
        row.pop()
    return row
