"""The README opens with the two commands that matter, and CI runs exactly the second one."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = ROOT.joinpath("README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("```"), "the README must open with the two commands"
    end = lines.index("```", 1)
    return [line for line in lines[1:end] if line.strip()]


def test_readme_opens_with_two_one_line_commands():
    commands = readme_commands()
    assert len(commands) == 2
    run, test = commands
    assert "pip install" in run and "eventwire extract examples/article.txt" in run
    assert "pip install" in test and "pytest" in test
    assert (ROOT / "examples" / "article.txt").is_file()


# The only other line CI may run: install the browser the dashboard tests drive (they skip without it).
CI_SYSTEM_PACKAGES = "command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)"


def test_ci_runs_the_readme_test_command():
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in ci if line.strip() and not line.startswith("#")
                and not line.startswith(("set ", "cd "))]
    assert commands == [CI_SYSTEM_PACKAGES, readme_commands()[1]]
