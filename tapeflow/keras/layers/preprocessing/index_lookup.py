"""``IndexLookup``: the vocabulary core of ``StringLookup``, ``IntegerLookup`` and
``TextVectorization``, as Keras 3.15 builds it (on dictionaries instead of TF tables).

Indices, as Keras lays them out: with ``output_mode="int"`` and a ``mask_token`` the
mask is 0, then ``num_oov_indices`` out-of-vocabulary slots, then the tokens; in the
other modes the mask has no index (its inputs are dropped) and the OOV slots start at
0. ``adapt`` counts tokens (and, for ``"tf_idf"``, the documents each occurs in: one
document per row) and keeps them most frequent first, ties broken by the token itself,
higher first (Keras's ``np.lexsort(...)[::-1]``), cut to ``max_tokens`` indices. The
inverse document frequency is ``log(1 + num_documents / (1 + document_count))``; the
OOV slots get the mean of the tokens' weights. Several OOV slots take ``token %
num_oov_indices`` for integers and FarmHash's ``Fingerprint64 % num_oov_indices`` for
strings (TensorFlow's ``to_hash_bucket_fast``, same buckets); a ``salt`` (SipHash) is
not provided.

Example:
    >>> from tapeflow.keras.layers import StringLookup
    >>> layer = StringLookup()
    >>> layer.adapt([["a", "b", "b"], ["c", "a", "a"]])
    >>> layer.get_vocabulary()
    ['[UNK]', 'a', 'b', 'c']
    >>> layer([["a", "x"]]).numpy()
    array([[1, 0]])
"""
import collections
import os

import numpy as np

from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.layers.preprocessing.lookup_utils import (adapt_batches, as_array,
                                                              encode_rows, listify,
                                                              validate_lookup_args)
from tapeflow.keras.serialization_lib import in_safe_mode
from tapeflow.string_arrays import as_bytes_array, fingerprint64
from tapeflow.tensor import Tensor

__all__ = ["IndexLookup"]

_DROP = np.iinfo(np.int64).max  # the index of a mask token outside "int" mode: dropped


class IndexLookup(Layer):
    """Maps tokens to indices (or back, with ``invert``); see the module docstring.

    Args: as Keras's ``IndexLookup``: ``max_tokens``, ``num_oov_indices``,
        ``mask_token``, ``oov_token``, ``vocabulary_dtype`` (``"string"`` or
        ``"int64"``), ``vocabulary`` (a list/array/tensor or a text file, one token a
        line), ``idf_weights``, ``invert``, ``output_mode``, ``sparse`` (False only),
        ``pad_to_max_tokens``, ``oov_method``, ``salt``.
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", name=None,
                 salt=None, **kwargs):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode,
                                                                        output_mode)
        validate_lookup_args(self, max_tokens, num_oov_indices, output_mode, invert, sparse,
                  pad_to_max_tokens, idf_weights, oov_method)
        frozen = kwargs.pop("vocabulary_size", None)
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        salt = _check_salt(self, salt, vocabulary_dtype, oov_method)
        super().__init__(name=name)
        self.invert, self.max_tokens, self.num_oov_indices = invert, max_tokens, num_oov_indices
        self.mask_token, self.oov_token, self.output_mode = mask_token, oov_token, output_mode
        self.sparse, self.pad_to_max_tokens = sparse, pad_to_max_tokens
        self.vocabulary_dtype = "string" if vocabulary_dtype in ("string", str) else "int64"
        self.oov_method, self.salt = oov_method, salt
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        d = self.__dict__
        d["_frozen_vocab_size"], d["_has_input_vocabulary"] = frozen, has_vocab
        d["_tokens"], d["_index"], d["_idf"] = [], {}, None
        self.reset_state()
        if output_mode == "tf_idf" and has_vocab and idf_weights is None:
            raise ValueError(f"{type(self).__name__}: when specifying the `vocabulary` "
                             f"argument, in TF-IDF output mode, the `idf_weights` argument "
                             f"must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # --- keys ----------------------------------------------------------------------------
    def _key(self, token):
        if self.vocabulary_dtype == "string":
            return token.encode("utf-8") if isinstance(token, str) else bytes(token)
        return int(token)

    def _keys(self, data, what="inputs"):
        """``data`` as an array of keys: bytes for strings, int64 for integers."""
        if self.vocabulary_dtype == "string":
            try:
                return as_bytes_array(data, type(self).__name__)
            except TypeError:
                raise TypeError(self._type_message(data, "strings", what)) from None
        arr = data.array if isinstance(data, Tensor) else np.asarray(data)
        if arr.dtype.kind not in "iub":
            raise TypeError(self._type_message(data, "integers", what))
        return arr.astype(np.int64, copy=False)

    def _type_message(self, data, kind, what):
        arr = data.array if isinstance(data, Tensor) else np.asarray(data, dtype=object)
        sample = arr.reshape(-1)[:1].tolist()
        return (f'Layer "{self.name}" ({type(self).__name__}) expects {kind} as {what}; '
                f"received an array of dtype {arr.dtype} (first element {sample}). "
                f"{'Pass text (str or bytes).' if kind == 'strings' else 'Pass int arrays.'}")

    def _decode(self, key):
        return key.decode("utf-8") if isinstance(key, bytes) else key

    # --- indices ---------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The vocabulary size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, index order: a term's index is its position (with the
        special tokens), or without the mask and OOV tokens."""
        vocab = [self.oov_token] * self._token_start_index() + \
            [self._decode(t) for t in self._tokens]
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    # --- setting the vocabulary -------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, array, tensor or text file path) and, for
        ``"tf_idf"``, its ``idf_weights``; replaces any vocabulary already there."""
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"`idf_weights` should only be set if output_mode is "
                             f"`'tf_idf'`. Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            self._set_from_file(vocabulary)
            return
        vocabulary = [self._key(t) for t in (vocabulary.array.tolist() if isinstance(
            vocabulary, Tensor) else np.asarray(vocabulary, dtype=object).tolist())]
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary="
                             f"{vocabulary}")
        tokens, found_special = self._strip_special(vocabulary)
        self._check_tokens(tokens)
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self._set_idf(np.asarray(listify(idf_weights), dtype=np.float64),
                          len(vocabulary), found_special)

    def _set_from_file(self, path):
        if in_safe_mode():
            raise ValueError(f"Requested the loading of a vocabulary file outside of the "
                             f"model archive. This carries a potential risk of loading "
                             f"arbitrary and sensitive files and thus it is disallowed by "
                             f"default. If you trust the source of the artifact, pass "
                             f"`safe_mode=False` to the loading function. Vocabulary file: "
                             f"'{path}'")
        if not os.path.isfile(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary "
                             "from file.")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self._set_tokens([self._key(line) for line in lines])

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices

    def _strip_special(self, vocabulary):
        start = self._token_start_index()
        special = [None if t is None else self._key(t) for t in self._special_tokens()]
        if vocabulary[:start] == special:
            return vocabulary[start:], True
        return vocabulary, False

    def _check_tokens(self, tokens):
        repeated = [self._decode(t) for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for token, name, check in ((self.mask_token, "mask_token", True),
                                   (self.oov_token, "oov_token", self.invert)):
            if token is not None and check and self._key(token) in tokens:
                raise ValueError(
                    f"Found reserved {name.split('_')[0]} token at unexpected location in "
                    f"`vocabulary`. Note that passed `vocabulary` does not need to include "
                    f"the OOV and mask tokens. Either remove all mask and OOV tokens, or "
                    f"include them only at the start of the vocabulary in precisely this "
                    f"order: {self._special_tokens()}. Received: {name}={token}")
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {size}; `max_tokens` is "
                             f"{self.max_tokens}.")

    def _set_tokens(self, tokens):
        start = self._token_start_index()
        d = self.__dict__
        d["_tokens"] = list(tokens)
        d["_index"] = {t: start + i for i, t in enumerate(tokens)}
        self._record_vocabulary_size()

    def _set_idf(self, weights, vocab_len, found_special):
        if weights.ndim != 1 or len(weights) != vocab_len:
            raise ValueError(f"`idf_weights` must be a 1-D array the same length as "
                             f"vocabulary. len(idf_weights) is {weights.size}; "
                             f"len(vocabulary) is {vocab_len}")
        front = 0 if found_special else self._token_start_index()
        fill = 0.0 if found_special else float(np.average(weights))
        back = self.max_tokens - front - len(weights) \
            if self.pad_to_max_tokens and self.max_tokens is not None else 0
        self.__dict__["_idf"] = np.pad(weights, (front, back), constant_values=(
            fill, 0)).astype(np.float32)

    def _record_vocabulary_size(self):
        size = self.vocabulary_size()
        frozen = self._frozen_vocab_size
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                frozen is not None and size != frozen and self.__dict__.get("_called"):
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               f"`pad_to_max_tokens=False`, the vocabulary size cannot be "
                               f"changed after the layer is called. Old vocab size is "
                               f"{frozen}, new vocab size is {size}")
        self.__dict__["_frozen_vocab_size"] = size

    # --- adapt -------------------------------------------------------------------------------
    def reset_state(self):
        """Forget the counts of an adapt in progress."""
        d = self.__dict__
        d["_counts"], d["_doc_counts"], d["_num_docs"] = collections.Counter(), \
            collections.Counter(), 0

    def adapt(self, data, steps=None):
        """Learn the vocabulary (and idf weights) from ``data``: an array, list or
        tensor (all at once) or a ``tf.data.Dataset`` / iterable of batches."""
        self.reset_state()
        for batch in adapt_batches(data, steps, self):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Count the tokens of one batch; each row (last axis) is a document."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             f"vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             f"method.")
        if isinstance(data, list) and data and isinstance(data[0], list):
            rows = data  # token rows of unequal length (TextVectorization's split)
        else:
            keys = self._keys(data, "adapt data")
            keys = keys.reshape(1, -1) if keys.ndim <= 1 else keys.reshape(-1, keys.shape[-1])
            rows = keys.tolist()
        self.count_rows(rows)

    def count_rows(self, rows):
        """Add rows of keys (lists) to the counts; one row per document."""
        for row in rows:
            self._counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._doc_counts.update(set(row))
            self.__dict__["_num_docs"] += len(rows)

    def finalize_state(self):
        """Turn the counts into the vocabulary (most frequent first)."""
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        counts = self._counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._key(special), None)
        ranked = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        tokens = [t for t, _ in ranked]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            docs = np.array([self._doc_counts[t] for t in tokens], dtype=np.float64)
            idf = np.log(1 + self._num_docs / (1 + docs)).astype(np.float32)
            pad_back = self.max_tokens - self._token_start_index() - len(idf) \
                if self.pad_to_max_tokens and self.max_tokens else 0
            self.__dict__["_idf"] = np.pad(idf, (self._token_start_index(), pad_back),
                                           constant_values=(np.mean(idf), 0)
                                           ).astype(np.float32)
        self.reset_state()

    # --- call --------------------------------------------------------------------------------
    def lookup(self, keys):
        """Indices of an array of keys (mask and OOV handled), int64, same shape."""
        flat = keys.reshape(-1).tolist()
        default = -1 if self.num_oov_indices != 1 else self._oov_start_index()
        index = self._index
        out = np.fromiter((index.get(k, default) for k in flat), np.int64, len(flat))
        out = out.reshape(keys.shape)
        if self.mask_token is not None:
            out[keys == self._key(self.mask_token)] = 0 if self.output_mode == "int" else _DROP
        if self.num_oov_indices == 0 and (out == -1).any():
            bad = [self._decode(k) for k in keys[out == -1].reshape(-1)[:5].tolist()]
            raise ValueError(f"When `num_oov_indices=0` all inputs should be in vocabulary, "
                             f"found OOV values {bad}, consider setting "
                             f"`num_oov_indices=1`. (layer \"{self.name}\")")
        if self.num_oov_indices > 1 and (out == -1).any():
            out[out == -1] = self._oov_buckets(keys[out == -1]) + self._oov_start_index()
        return out

    def _oov_buckets(self, keys):
        """OOV slots: ``x % n`` for integers, else FarmHash ``Fingerprint64 % n`` (of the
        decimal text for integers with ``oov_method="farmhash"``), as Keras."""
        n = self.num_oov_indices
        if self.salt is not None:
            raise NotImplementedError(
                f'Layer "{self.name}": a `salt` hashes out-of-vocabulary values with '
                f"TensorFlow's SipHash, which tapeflow does not provide; leave salt=None.")
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(keys.astype(np.int64), n)
        flat = [k if isinstance(k, bytes) else str(k).encode() for k in keys.reshape(-1)]
        return np.array([fingerprint64(k) % n for k in flat], np.int64).reshape(keys.shape)

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _check_vocab_known(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               f"`pad_to_max_tokens=False`, you must set the layer's "
                               f"vocabulary before calling it. Either pass a `vocabulary` "
                               f"argument to the layer, or call `adapt` with some sample "
                               f"data. (layer \"{self.name}\")")

    def encode(self, indices):
        """Indices (an array of any rank) in this layer's ``output_mode``."""
        if self.output_mode == "int":
            return indices
        depth = self._depth()
        if self.output_mode == "one_hot":
            if indices.ndim > 1 and indices.shape[-1] == 1:
                indices = indices[..., 0]
            return np.eye(depth, dtype=np.int64)[np.clip(indices, 0, depth - 1)] * \
                ((indices >= 0) & (indices < depth))[..., None]
        lead = indices.shape[:-1] if indices.ndim else ()
        rows = indices.reshape(-1, indices.shape[-1] if indices.ndim else 1)
        out = encode_rows(rows, depth, self.output_mode, self._idf)
        return out.reshape(lead + (depth,))

    def _invert(self, indices):
        by_index = dict(enumerate(self.get_vocabulary()))
        oov = self.oov_token
        values = [by_index.get(i, oov) for i in indices.reshape(-1).tolist()]
        if self.mask_token is not None:
            values = [self.mask_token if i == 0 else v
                      for i, v in zip(indices.reshape(-1).tolist(), values)]
        if self.vocabulary_dtype == "string":
            out = np.empty(indices.shape, dtype=object)
            out.reshape(-1)[:] = [self._key(v) for v in values]
            return out
        return np.array(values, dtype=np.int64).reshape(indices.shape)

    def _convert_input(self, x):
        if isinstance(x, (Tensor, KerasTensor)):
            return x
        return Tensor(as_array(x))

    def call(self, inputs):
        self._check_vocab_known()
        self.__dict__["_called"] = True
        if self.invert:
            arr = inputs.array if isinstance(inputs, Tensor) else np.asarray(inputs)
            if arr.dtype.kind not in "iu":
                raise TypeError(f'Layer "{self.name}" ({type(self).__name__}) with '
                                f"invert=True expects integer indices; received dtype "
                                f"{arr.dtype}.")
            return Tensor(self._invert(arr.astype(np.int64, copy=False)))
        return Tensor(self.encode(self.lookup(self._keys(inputs))))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self._depth()
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs, *args, **kwargs):
        if self.invert:
            dtype = self.vocabulary_dtype
        else:
            dtype = "int64" if self.output_mode in ("int", "one_hot", "multi_hot", "count") \
                else "float32"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype)

    @property
    def compute_dtype(self):
        return self.vocabulary_dtype

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.__dict__["built"] = True

    def get_config(self):
        config = {"invert": self.invert, "max_tokens": self.max_tokens,
                  "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                  "mask_token": self.mask_token, "output_mode": self.output_mode,
                  "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                  "vocabulary_dtype": self.vocabulary_dtype,
                  "idf_weights": listify(self.input_idf_weights),
                  "vocabulary": listify(self.input_vocabulary),
                  "vocabulary_size": self._frozen_vocab_size,
                  "oov_method": self.oov_method, "salt": self.salt}
        return {**super().get_config(), **config}

    # --- saving (Keras's hooks: idf weights in the weights file, vocabulary as an asset)
    def save_own_variables(self, store):
        if self.output_mode == "tf_idf":
            store["idf_weights"] = self._idf

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.__dict__["_idf"] = np.asarray(store["idf_weights"], dtype=np.float32)

    def save_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return  # the vocabulary is in the config
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary()))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self.vocabulary_dtype == "string" else [int(v) for v in lines]
        idf = self._idf
        self.set_vocabulary(values, idf_weights=idf if self.output_mode == "tf_idf" else None)


def _check_salt(layer, salt, vocabulary_dtype, oov_method):
    """Keras's checks of ``salt``: integers need ``oov_method="farmhash"``; one int is
    both key halves."""
    if salt is None:
        return None
    if vocabulary_dtype != "string" and oov_method != "farmhash":
        raise ValueError(f"{type(layer).__name__}: `salt` can only be used when "
                         f"`oov_method='farmhash'`. Received: oov_method={oov_method}")
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return list(salt)
    if isinstance(salt, int):
        return [salt, salt]
    raise ValueError(f"The `salt` argument for `IndexLookup` can only be a tuple of 2 "
                     f"integers, or a single integer. Received: salt={salt}.")
