"""Placeholder: the Trainer mixin (compile/fit/evaluate/predict) lands here."""


class Trainer:
    """Mixin giving Model compile/fit/evaluate/predict (being written)."""
