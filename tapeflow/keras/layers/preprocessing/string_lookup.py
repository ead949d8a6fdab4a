"""``StringLookup`` and ``IntegerLookup``: vocabulary lookups of strings and integers
(Keras 3.15's layers, on the shared :mod:`index_lookup` core).

Example:
    >>> layer = StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    >>> layer(["a", "b", "z"]).numpy().tolist()
    [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    >>> IntegerLookup(mask_token=0, num_oov_indices=2, vocabulary=[10, 20])(
    ...     [10, 20, 0, 4, 5]).numpy().tolist()
    [3, 4, 0, 1, 2]
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.preprocessing.index_lookup import IndexLookup

__all__ = ["StringLookup", "IntegerLookup"]


@keras_export("keras.layers")
class StringLookup(IndexLookup):
    """Map strings to integer indices (or back with ``invert=True``).

    Args:
        max_tokens: the vocabulary's maximum size, mask and OOV tokens included.
        num_oov_indices: out-of-vocabulary slots (1; 0 makes an unknown input an error).
        mask_token: the token that means "masked" (index 0 in ``"int"`` mode).
        oov_token: the token ``invert`` returns for unknown indices (``"[UNK]"``).
        vocabulary: a list/array/tensor of strings or a text file (one a line).
        idf_weights: for ``"tf_idf"`` with a given vocabulary.
        invert: map indices back to strings.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"``.
        pad_to_max_tokens: make the encoded axis ``max_tokens`` long.
        encoding: the text encoding (``"utf-8"``).
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None,
                 oov_token="[UNK]", vocabulary=None, idf_weights=None, invert=False,
                 output_mode="int", pad_to_max_tokens=False, sparse=False, encoding="utf-8",
                 name=None, salt=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        self.__dict__["encoding"] = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]  # one valid dtype for strings: Keras omits it
        return {**config, "encoding": self.encoding}


@keras_export("keras.layers")
class IntegerLookup(IndexLookup):
    """Map integers to contiguous indices (or back with ``invert=True``).

    Args: as :class:`StringLookup`, with integer ``mask_token`` (None) and
        ``oov_token`` (-1); ``num_oov_indices > 1`` sends an unknown ``x`` to OOV slot
        ``x % num_oov_indices`` (``oov_method="floormod"``).
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only `vocabulary_dtype='int64'` is supported at "
                             f"this time. Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
