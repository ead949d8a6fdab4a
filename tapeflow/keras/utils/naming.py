"""Keras's automatic names: ``dense``, ``dense_1``, ``dense_2`` ... per class.

A layer or model created without ``name=`` gets the snake_case form of its class
name, made unique by a per-prefix counter. ``keras.backend.clear_session()``
resets the counters, so a fresh session starts again at ``dense``.

Example:
    >>> reset_uids()
    >>> uniquify("dense"), uniquify("dense"), uniquify("flatten")
    ('dense', 'dense_1', 'flatten')
    >>> to_snake_case("LeakyReLU")
    'leaky_re_lu'
"""
import re

__all__ = ["to_snake_case", "uniquify", "auto_name", "reset_uids", "get_uid"]

_UIDS = {}


def to_snake_case(name):
    """Keras's snake_case rule: ``"MyModel"`` -> ``"my_model"``, ``"ReLU"`` -> ``"re_lu"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def get_uid(prefix):
    """How many times ``prefix`` has been asked for, this one included (1, 2, ...)."""
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return _UIDS[prefix]


def uniquify(prefix):
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2`` ..."""
    uid = get_uid(prefix)
    return prefix if uid == 1 else f"{prefix}_{uid - 1}"


def auto_name(obj_or_class):
    """A fresh unique name derived from a class (or an instance's class)."""
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    return uniquify(to_snake_case(cls.__name__))


def reset_uids():
    """Forget every counter (``keras.backend.clear_session()`` calls this)."""
    _UIDS.clear()
