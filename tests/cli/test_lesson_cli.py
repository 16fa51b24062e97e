"""`workbench lesson check`: exit 0 for good lessons, 3 with FILE:LINE: reason otherwise."""

from workbench import cli
from workbench.core.lessons.bundled import bundled_lesson_paths


def test_the_bundled_lessons_check_clean(capsys):
    paths = bundled_lesson_paths()
    assert cli.main(["lesson", "check", *map(str, paths)]) == cli.EXIT_OK
    out = capsys.readouterr()
    assert out.err == "" and out.out.count(": ok (") == len(paths)


def test_a_broken_lesson_exits_3_naming_file_and_line_and_the_others_are_still_checked(
        tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text("# Title\n\n## Step\n```step\nscale: bark\n```\n", encoding="utf-8")
    good = bundled_lesson_paths()[0]
    assert cli.main(["lesson", "check", str(bad), str(good)]) == cli.EXIT_INPUT
    out = capsys.readouterr()
    assert out.err.startswith(f"{bad}:5: scale must be one of linear, log, mel")
    assert f"{good}: ok (" in out.out


def test_a_missing_file_exits_3_and_a_missing_action_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["lesson", "check", str(tmp_path / "none.md")]) == cli.EXIT_INPUT
    assert "cannot read" in capsys.readouterr().err
    assert cli.main(["lesson"]) == cli.EXIT_USAGE
