"""The Keras 3 progress bar: ``469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - loss: 0.2591``.

``Progbar(target, verbose=1)`` draws a live bar on a terminal (redrawn in place with
``"\\r"``, at most every ``interval`` seconds) and, when standard output is not a
terminal (a log file, a pipe, a captured test), writes only the finished line, so
logs get one line per epoch instead of a flood of carriage returns.
``verbose=2`` writes one line at the end without the bar:
``469/469 - 2s - 4ms/step - loss: 0.2591``.

Values are shown with ``{:.4f}``, or ``{:.4e}`` when their magnitude is at most 1e-3.
While running, each value shown is the mean of the values reported so far (Keras's
"stateless" averaging); the finishing update shows the values it is given as they are.

Example:
    >>> bar = Progbar(target=3, verbose=2)
    >>> for step in range(1, 4):
    ...     bar.update(step, [("loss", 0.5)])  # doctest: +ELLIPSIS
    3/3 - 0s - ...s/step - loss: 0.5000
"""
import math
import os
import sys
import time

__all__ = ["Progbar", "format_value", "format_time_per_unit"]

# ANSI styles Keras uses: bold step counter and times, green done part, dim rest.
_BOLD, _GREEN, _DIM, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_value(value):
    """A logged number the way Keras shows it: ``0.2591``, or ``1.0000e-04`` when tiny.

    Example:
        >>> format_value(0.25914), format_value(1e-4), format_value(-2.0)
        ('0.2591', '1.0000e-04', '-2.0000')
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if abs(value) > 1e-3:
        return f"{value:.4f}"
    return f"{value:.4e}"


def format_time_per_unit(seconds, unit_name="step"):
    """Seconds per step as Keras writes it: ``2s/step``, ``4ms/step`` or ``850us/step``.

    Example:
        >>> format_time_per_unit(0.0042), format_time_per_unit(3e-5), format_time_per_unit(1.5)
        ('4ms/step', '30us/step', '2s/step')
    """
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta):
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _interactive():
    """True where ``"\\r"`` redraws a line: a terminal or a Jupyter kernel."""
    stream = sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


class Progbar:
    """Displays a progress bar (``keras.utils.Progbar``).

    Args:
        target: total number of steps expected, or ``None`` if unknown.
        width: width of the bar in characters (20).
        verbose: 0 (silent), 1 (bar) or 2 (one line when finished).
        interval: minimum time in seconds between two redraws of a live bar.
        stateful_metrics: names of values shown as given, never averaged over steps.
        unit_name: what a step is called (``"step"``, or ``"sample"``).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic_display = _interactive()
        self._seen_so_far = 0
        self.arrays = {}  # name -> [sum of value*steps, steps]
        self.arrays_order = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0

    # --- bookkeeping --------------------------------------------------------------------
    def _accumulate(self, current, values, finalize):
        for k, v in values:
            if k not in self.arrays_order:
                self.arrays_order.append(k)
            if finalize or k in self.stateful_metrics:
                self.arrays[k] = [v, 1]
            else:
                steps = max(current - self._seen_so_far, 1)
                if k in self.arrays:
                    self.arrays[k][0] += v * steps
                    self.arrays[k][1] += steps
                else:
                    self.arrays[k] = [v * steps, steps]
        self._seen_so_far = current

    def _estimate_step_duration(self, current, now):
        """Seconds per step, leaving out the (usually slow) first step once possible."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _metrics_text(self):
        parts = []
        for k in self.arrays_order:
            total, count = self.arrays[k]
            try:
                shown = format_value(float(total) / max(1, count))
            except (TypeError, ValueError):
                shown = str(total)
            parts.append(f" - {k}: {shown}")
        return "".join(parts)

    # --- drawing ----------------------------------------------------------------------
    def update(self, current, values=None, finalize=None):
        """Move the bar to step ``current`` with ``values``: a list of ``(name, value)``.

        Args:
            current: index of the current step (1-based count of steps done).
            values: ``[(name, value_for_this_step), ...]``.
            finalize: whether this is the last update; defaults to ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values or [], finalize)
        now = time.time()
        per_step = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            if self._dynamic_display or finalize:
                self._draw_bar(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize:
            self._write(self._one_line(current, now, per_step) + "\n")
        self._last_update = now

    def _draw_bar(self, current, now, per_step, finalize):
        color = self._dynamic_display
        known = self.target is not None and self.target > 0
        if known:
            count = self._count(current)
            done = min(int(self.width * current / self.target), self.width)
            bar_done, bar_rest = "━" * done, "━" * (self.width - done)
            if color:
                count = f"{_BOLD}{count}{_RESET}"
                bar_done = f"{_GREEN}{bar_done}{_RESET}" if done else ""
                bar_rest = f"{_DIM}{bar_rest}{_RESET}"
            bar = f"{count} {bar_done}{bar_rest}"
        else:
            bar = "%7d/Unknown" % current
        if known and not finalize:
            when = _format_eta(per_step * (self.target - current))
        else:
            when = f"{now - self._start:.0f}s"
        when = f" {_BOLD}{when}{_RESET}" if color else f" {when}"
        line = bar + when + " " + format_time_per_unit(per_step, self.unit_name) \
            + self._metrics_text()
        visible = len(_strip_ansi(line))
        pad = " " * max(self._prev_total_width - visible, 0) if self._dynamic_display else ""
        self._prev_total_width = visible
        prefix = "\r" if self._dynamic_display else ""
        self._write(prefix + line + pad + ("\n" if finalize else ""))

    def _count(self, current):
        """``" 7/469"``: the step counter, right-aligned to the target's width."""
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            return f"%{digits}d/%d" % (current, self.target)
        return f"{current}/Unknown"

    def _one_line(self, current, now, per_step):
        return (f"{self._count(current)} - {now - self._start:.0f}s - "
                f"{format_time_per_unit(per_step, self.unit_name)}{self._metrics_text()}")

    @staticmethod
    def _write(text):
        stream = sys.stdout  # looked up each time so that redirection and capture work
        stream.write(text)
        stream.flush()

    def add(self, n, values=None):
        """Advance the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)


def _strip_ansi(text):
    for code in (_BOLD, _GREEN, _DIM, _RESET):
        text = text.replace(code, "")
    return text
