"""The progress bar's text: Keras 3's format, one line per epoch when not on a terminal."""
import re

import pytest

from tapeflow.keras import progbar as pb
from tapeflow.keras.progbar import Progbar, format_time_per_unit, format_value


@pytest.fixture
def fake_clock(monkeypatch):
    """time.time() advancing 0.01 s per call, so timings are deterministic."""
    t = {"now": 1000.0}

    def now():
        t["now"] += 0.01
        return t["now"]
    monkeypatch.setattr(pb.time, "time", now)
    return t


def test_format_value_four_decimals_or_scientific():
    assert format_value(0.25914) == "0.2591"
    assert format_value(12.0) == "12.0000"
    assert format_value(1e-4) == "1.0000e-04"      # |v| <= 1e-3 -> {:.4e}
    assert format_value(1e-3) == "1.0000e-03"      # Keras: strictly greater than 1e-3 for .4f
    assert format_value(-0.5) == "-0.5000"
    assert format_value(-2e-5) == "-2.0000e-05"
    assert format_value(0.0) == "0.0000e+00"


def test_format_time_units():
    assert format_time_per_unit(2.4) == "2s/step"
    assert format_time_per_unit(0.0042) == "4ms/step"
    assert format_time_per_unit(0.000851) == "851us/step"
    assert format_time_per_unit(0) == "0s/step"


def test_verbose_2_one_line_at_the_end(capsys, fake_clock):
    bar = Progbar(target=469, verbose=2)
    for step in range(1, 470):
        bar.update(step, [("accuracy", 0.9), ("loss", 0.25)])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert re.fullmatch(r"469/469 - \d+s - \d+ms/step - accuracy: 0\.9000 - loss: 0\.2500\n", out)


def test_verbose_1_not_a_terminal_prints_only_the_final_line(capsys, fake_clock):
    bar = Progbar(target=5, verbose=1, interval=0.0)
    assert not bar._dynamic_display  # pytest captures stdout: not a TTY
    for step in range(1, 6):
        bar.update(step, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    assert re.fullmatch(r"5/5 ━{20} \d+s \d+ms/step - loss: 0\.5000\n", out)


def test_verbose_1_on_a_terminal_redraws_with_carriage_returns(capsys, monkeypatch, fake_clock):
    monkeypatch.setattr(pb, "_interactive", lambda: True)
    bar = Progbar(target=4, verbose=1, interval=0.0)
    for step in range(1, 5):
        bar.update(step, [("loss", 1.0)])
    out = capsys.readouterr().out
    assert out.count("\r") == 4 and out.endswith("\n")
    first = out.split("\r")[1]
    plain = re.sub(r"\x1b\[\d+m", "", first)
    # 1 of 4 steps: 5 of 20 characters done (green), ETA shown while running.
    assert re.fullmatch(r"1/4 ━{20} \d+s \d+ms/step - loss: 1\.0000", plain.rstrip())
    assert "\x1b[32m" + "━" * 5 + "\x1b[0m" in first
    assert "\x1b[37m" + "━" * 15 + "\x1b[0m" in first


def test_live_bar_is_throttled(capsys, monkeypatch, fake_clock):
    monkeypatch.setattr(pb, "_interactive", lambda: True)
    bar = Progbar(target=100, verbose=1, interval=0.05)  # the clock moves 0.01 s per call
    for step in range(1, 101):
        bar.update(step, [("loss", 1.0)])
    redraws = capsys.readouterr().out.count("\r")
    assert 10 <= redraws <= 30  # about every 5th update, not 100


def test_running_values_are_averaged_then_final_values_shown(capsys, fake_clock):
    bar = Progbar(target=2, verbose=1)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 0.25)], finalize=True)  # the epoch's figure, shown as given
    assert "loss: 0.2500" in capsys.readouterr().out


def test_unknown_target(capsys, monkeypatch, fake_clock):
    monkeypatch.setattr(pb, "_interactive", lambda: True)
    bar = Progbar(target=None, verbose=1, interval=0.0)
    bar.update(3, [("loss", 2.0)])
    assert "      3/Unknown" in capsys.readouterr().out


def test_verbose_0_is_silent(capsys):
    bar = Progbar(target=3, verbose=0)
    for step in range(1, 4):
        bar.update(step, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_eta_formats():
    assert pb._format_eta(42.7) == "42s"
    assert pb._format_eta(125) == "2:05"
    assert pb._format_eta(3725) == "1:02:05"
