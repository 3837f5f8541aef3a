"""Command line: ``python -m ml evaluate ...`` and ``python -m ml bench ...``.

Progress goes to stderr; the last line on stdout is one JSON object. Bad
input ends with a one-line error on stderr and exit status 2, never a
traceback.
"""

import argparse
import json
import sys

_ENCODERS = "default (= e5+use), e5, use, lexical, e5-raw or st:<path-or-name>"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ml")
    commands = parser.add_subparsers(dest="command", required=True)
    ev = commands.add_parser("evaluate", help="theme mapping, duplicates, clusters")
    ev.add_argument("--data", required=True, help="CSV with text[,label,dup_group]")
    ev.add_argument(
        "--themes", required=True, help="JSON list of code/name/description"
    )
    ev.add_argument("--shots", type=int, default=5)
    ev.add_argument("--encoder", default="default", help=_ENCODERS)
    ev.add_argument("--seed", type=int, default=0)
    be = commands.add_parser("bench", help="time every step of the pipeline")
    be.add_argument("--data", required=True)
    be.add_argument("--n", type=int, default=None)
    be.add_argument("--encoder", default="default", help=_ENCODERS)
    be.add_argument("--seed", type=int, default=0)
    return parser


def main(argv=None) -> int:
    """Run one command and return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments after ``python -m ml``; by default those of the process.

    Returns
    -------
    int
        0 on success, 2 for bad input (after one line on stderr).
    """
    args = _parser().parse_args(argv)
    from ml.encoders import EncoderError
    from ml.evaluate import DataError, bench, evaluate, read_ideas
    from ml.themes import ThemeError, load_themes

    try:
        data = read_ideas(args.data)
        if args.command == "evaluate":
            if args.shots < 0:
                raise DataError("--shots must be 0 or more")
            themes = load_themes(args.themes)
            result = evaluate(
                data, themes, shots=args.shots, encoder=args.encoder, seed=args.seed
            )
        else:
            result = bench(data, n=args.n, encoder=args.encoder, seed=args.seed)
    except (DataError, ThemeError, EncoderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
