"""`python -m narrate` and the `narrate` command: Ctrl-C and SIGTERM are handled from the
first moment (see stopping.py), before the command line is even imported."""


def main() -> None:
    from . import stopping

    stopping.install()
    try:
        from .cli import main as run_cli

        run_cli()
    except KeyboardInterrupt:  # before or after the commands' own handling of it
        stopping.exit_stopped()


if __name__ == "__main__":  # not when multiprocessing imports it in a worker
    main()
