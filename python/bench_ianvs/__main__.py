"""Entry point: python -m bench_ianvs ... (see __init__.py)."""
import argparse
import json
import sys
import traceback

import bench_record


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench_ianvs")
    p.add_argument("--module", required=True)
    p.add_argument("--modules", default="[]", type=json.loads)
    p.add_argument("--params", default="{}", type=json.loads)
    p.add_argument("--testenv", default="{}", type=json.loads)
    p.add_argument("--paradigm", default="singletasklearning")
    p.add_argument("--kwargs", default="{}", type=json.loads)
    p.add_argument("--workspace", required=True)
    return p.parse_args(argv)


def last_line(exc):
    """The exception's last line, as Python prints it."""
    text = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if isinstance(exc, ImportError):
        text += " (in interpreter %s: install it there, or choose " \
            "another with `python:` or --python)" % sys.executable
    return text


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        from bench_ianvs import flow
        results = flow.run(args)
        for name, value in results:
            bench_record.metric(name, value)
    except BaseException as exc:        # noqa: B902 - the unit ends here
        if isinstance(exc, KeyboardInterrupt):
            raise
        traceback.print_exc()
        sys.stderr.flush()
        bench_record.end("failed", last_line(exc))
        return 1
    bench_record.end("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
