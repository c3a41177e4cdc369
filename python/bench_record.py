"""bench_record: report to bench from a Python unit (no dependencies).

bench starts every unit with BENCH_STATUS_FD, the number of a pipe back to
the controller; each call here writes one JSON line to it (the record
protocol of bench(1)).  Outside bench (no BENCH_STATUS_FD) the calls do
nothing, so a script runs the same by hand.

    import bench_record
    bench_record.metric("dice", 0.91)
    bench_record.metric("images_per_s", 412.0, timing=True)
    bench_record.log("epoch 3 done")
    bench_record.end("failed", "dataset is empty")   # optional
"""
import json
import math
import os

__all__ = ("metric", "log", "end", "enabled")

_LINE_MAX = 4096        # bench's CHAN_LINE_MAX: a longer line is refused
_TEXT_MAX = 1024        # CHAN_TEXT_MAX for log and error texts
_fd = None


def _status_fd():
    global _fd
    if _fd is None:
        try:
            _fd = int(os.environ.get("BENCH_STATUS_FD", "-1"))
        except ValueError:
            _fd = -1
    return _fd


def enabled():
    """Whether this process runs under bench (records go somewhere)."""
    return _status_fd() >= 0


def _write(rec):
    fd = _status_fd()
    if fd < 0:
        return
    line = (json.dumps(rec, separators=(",", ":"), allow_nan=False)
            + "\n").encode("utf-8")
    if len(line) > _LINE_MAX:
        raise ValueError("bench record longer than %d bytes" % _LINE_MAX)
    # one write(2) per line: atomic on the pipe
    while True:
        try:
            n = os.write(fd, line)
        except InterruptedError:
            continue
        if n != len(line):
            raise OSError("short write of a bench record")
        return


def metric(name, value, timing=False):
    """Report metric NAME = VALUE (a finite number). timing=True marks a
    time-dependent figure (left out of bench verify/diff)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError("metric %r is not finite: %r" % (name, value))
    rec = {"t": "metric", "name": str(name), "value": value}
    if timing:
        rec["timing"] = True
    _write(rec)


def log(msg):
    """Put a line in the unit's record of events."""
    _write({"t": "log", "msg": str(msg)[:_TEXT_MAX]})


def end(status="ok", error=None):
    """End the unit's records: status ok, failed or skipped, with an
    error text. The process should exit afterwards (non-zero if failed)."""
    rec = {"t": "end", "status": status}
    if error is not None:
        rec["error"] = str(error)[:_TEXT_MAX]
    _write(rec)
