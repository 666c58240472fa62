"""``gztranscribe check`` and ``gztranscribe convert``: caption files in, problems or files out.

A thin face on ``caption_tools``. ``cli.py`` calls ``register(app)`` at its end.
"""

from pathlib import Path
from typing import Annotated

import typer

from .caption_files import output_kind, read_caption_file
from .caption_tools import convert_file, format_problem, notes_lost_warning, run_fix, summary
from .checking import check_parsed
from .cli_common import HELP, ConfigOpt, MaxCharsOpt, MaxCpsOpt, ProfileOpt, err, handle_errors, say
from .errors import ExitCode, UsageError


def register(app: typer.Typer) -> None:
    """Add ``check`` and ``convert`` to ``app`` (called once, at the end of ``cli.py``)."""
    from .settings import resolve_profile

    @app.command("check", context_settings=HELP)
    def check(
        file: Annotated[
            Path,
            typer.Argument(help="A WebVTT (.vtt) or SubRip (.srt) caption file.", readable=False),
        ],
        profile: ProfileOpt = None,
        max_line_chars: MaxCharsOpt = None,
        max_cps: MaxCpsOpt = None,
        config: ConfigOpt = None,
        fix: Annotated[
            bool,
            typer.Option(
                "--fix",
                help="Also write a corrected copy: lines re-flowed and cues re-timed where "
                "needed, every word kept in order (default: FILE.fixed.vtt or .srt beside FILE).",
            ),
        ] = False,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output", "-o", help="Where --fix writes (.vtt or .srt).", readable=False
            ),
        ] = None,
    ) -> None:
        """Check a caption file against the style guide and spec.

        Every rule of the style guide under a profile (--profile), and the WebVTT or SRT spec.

        Prints one line per problem (FILE:CUE N (time): rule: message) and a summary. Exit
        status: 0 when there are no errors (warnings allowed), 7 when there are errors, 8 when
        the file cannot be read as captions at all. With --fix the exit status describes the
        corrected file instead: 0 when it has no errors.
        """
        with handle_errors():
            style = resolve_profile(
                file,
                config=config,
                profile=profile,
                captions={"max_chars_per_line": max_line_chars, "max_cps": max_cps},
            )
            if output is not None and not fix:
                raise UsageError("-o/--output is where --fix writes; add --fix or drop -o")
            if output is not None:
                output_kind(output)
            parsed = read_caption_file(file)
            problems = check_parsed(parsed, style)
            for problem in problems:
                typer.echo(format_problem(str(file), problem))
            typer.echo(summary(problems, len(parsed.captions.cues)))
            errors = any(p.severity == "error" for p in problems)
            if fix:
                target, remaining, count = run_fix(parsed, problems, style, output, file)
                left = [p for p in remaining if p.severity == "error"]
                if left:
                    for problem in left:
                        typer.echo(format_problem(str(target), problem))
                    err.print(
                        f"wrote {target}; {len(left)} error(s) could not be fixed automatically "
                        "(see above)",
                        markup=False,
                        soft_wrap=True,
                    )
                    raise typer.Exit(ExitCode.CAPTION_PROBLEMS)
                warned = len(remaining)
                note = f" ({warned} warning{'s' if warned != 1 else ''})" if warned else ""
                err.print(
                    f"wrote {target}: {count} cues, passes check{note}",
                    markup=False,
                    soft_wrap=True,
                )
                return
        if errors:
            raise typer.Exit(ExitCode.CAPTION_PROBLEMS)

    @app.command("convert", context_settings=HELP)
    def convert(
        source: Annotated[
            Path, typer.Argument(help="The caption file to read (.vtt or .srt).", readable=False)
        ],
        target: Annotated[
            Path,
            typer.Argument(
                help="The file to write; its extension (.vtt or .srt) picks the format.",
                readable=False,
            ),
        ],
        shift: Annotated[
            float,
            typer.Option(
                "--shift",
                help="Seconds to add to every cue (negative moves earlier; cues ending before 0 "
                "are dropped, starts are clamped at 0).",
            ),
        ] = 0.0,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print nothing on success.")
        ] = False,
        config: ConfigOpt = None,
    ) -> None:
        """Convert captions between SRT and WebVTT.

        Or normalise a file to its own format.

        Cue times and text are kept exactly; WebVTT text is escaped properly; tags are dropped.
        A malformed input (bad timestamp, text without a timing line) is refused with the line
        to fix, exit status 8: run `gztranscribe check` to see every problem.
        """
        with handle_errors():
            resolve_profile(source, config=config)  # a broken show config is reported, as everywhere
            done = convert_file(source, target, shift)
            if done.dropped:
                say(f"warning: dropped {done.dropped} cue{'s' if done.dropped != 1 else ''} that "
                    f"would end before 0:00 after --shift {shift:g}")
            if done.notes_lost:
                say(notes_lost_warning(done.notes_lost, done.fast_notes_lost))
            if not quiet:
                say(f"wrote {target} ({done.cues} cues)")
