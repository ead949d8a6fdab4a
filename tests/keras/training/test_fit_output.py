"""What fit / evaluate / predict print (stdout captured, so not a terminal)."""
import re

import numpy as np


X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
Y = np.ones((5, 1))
TIME = r"\d+(s|ms|us)/step"


def test_verbose_1_not_a_terminal_one_line_per_epoch(capsys, blobs, classifier):
    x, y = blobs
    classifier().fit(x, y, epochs=3, batch_size=8, validation_split=0.2)  # verbose="auto"
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "\r" not in out and "\x1b" not in out
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for line in lines[1::2]:
        assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - accuracy: \d\.\d{{4}} - "
                            rf"loss: \d\.\d{{4}} - val_accuracy: \d\.\d{{4}} - "
                            rf"val_loss: \d\.\d{{4}}", line), line


def test_verbose_2_line_format(capsys, blobs, classifier):
    x, y = blobs
    classifier().fit(x, y, epochs=2, batch_size=10, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(rf"3/3 - \d+s - {TIME} - accuracy: \d\.\d{{4}} - loss: \d\.\d{{4}}",
                        lines[1]), lines[1]


def test_single_epoch_has_no_epoch_header(capsys, linear_model):
    linear_model().fit(X, Y, epochs=1, batch_size=5)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("1/1 ━━━━")


def test_verbose_0_is_silent(capsys, blobs, classifier):
    x, y = blobs
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_and_predict_bars(capsys, blobs, classifier):
    x, y = blobs
    model = classifier()
    model.evaluate(x, y, batch_size=10)
    model.predict(x, batch_size=10)
    model.evaluate(x, y, batch_size=10, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME} - accuracy: \d\.\d{{4}} - "
                        rf"loss: \d\.\d{{4}}", lines[0]), lines[0]
    assert re.fullmatch(rf"3/3 ━{{20}} \d+s {TIME}", lines[1]), lines[1]
    assert re.fullmatch(rf"3/3 - \d+s - {TIME} - accuracy: \d\.\d{{4}} - loss: \d\.\d{{4}}",
                        lines[2]), lines[2]
    assert len(lines) == 3


def test_tiny_values_use_scientific_notation(capsys, linear_model):
    # Predictions x @ (1, 0) + 0 equal targets x[:, 0] exactly except one off by 0.01:
    # loss = 0.01**2 / 5 = 2e-05.
    model = linear_model(w=((1.0,), (0.0,)), b=(0.0,))
    target = X[:, :1].copy()
    target[0, 0] += 0.01
    model.evaluate(X, target, verbose=2)
    out = capsys.readouterr().out
    assert re.search(r"loss: 2\.0000e-05$", out.strip()), out
