"""The repository stands alone: no file in it points a reader at a path outside it.

A user clones the repository by itself. Sources, installed headers, tests, CMake files,
scripts and docs therefore never name the project's shared folder, a research note of
ours or an absolute path of some build machine; a fact taken from a provider's
documentation cites that documentation (title and URL) instead.

Exempt: the vendored-copy checks in tests/vendored (the only tests allowed to look
outside the repository) and the vendored folders themselves, which those checks keep
byte for byte equal to their origin.
"""
import os
import pathlib
import re

ROOT = pathlib.Path(os.environ.get("SANBAO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))

# Folders never scanned: build output, installed npm packages, git's own data.
SKIP_DIRS = {".git", "build", "node_modules", "__pycache__", ".cache"}
# Files and folders allowed to name the shared folder, or that are verbatim copies of it.
EXEMPT = {
    "tests/vendored",
    "tests/conformance/cases",
    "tests/fixtures/marketplaces/ebay",
    "tests/repo/standalone_test.py",
}
SUFFIXES = {".cc", ".h", ".hpp", ".cpp", ".c", ".cmake", ".in", ".txt", ".py", ".pyi",
            ".sh", ".mjs", ".js", ".json", ".md", ".toml", ".yml", ".yaml", ".cfg", ".ini"}
NAMES = {"run", "CMakeLists.txt", "CMakePresets.json", ".clang-format", ".clang-tidy"}

NOTES = r"(?:marketplaces|jurisdictions|jurisdiction-cases|money-logistics|anchors-features|aesthetics-anchors)\.(?:md|json)"
PATTERNS = [
    (re.compile(r"\.\./shared\b"), "names the shared folder beside the checkout"),
    (re.compile(r"(?<![\w./:-])shared/(?:research|conformance|DESIGN\.md)"), "names the shared folder"),
    (re.compile(r"(?<![\w./:-])research/"), "points at a research note, not at its source"),
    (re.compile(r"(?<![\w./:-])" + NOTES), "points at a research note, not at its source"),
    (re.compile(r"§A(?:\.\d|\b)"), "points at a section of a research note, not at its source"),
    (re.compile(r"(?<![\w.:/~-])/(?:work|home|root|Users)/"), "names an absolute path of some machine"),
]


def scanned_files(root: pathlib.Path):
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = pathlib.Path(dirpath).relative_to(root).as_posix()
        dirnames[:] = [d for d in dirnames
                       if d not in SKIP_DIRS
                       and not d.startswith("build")
                       and (pathlib.Path(rel_dir) / d).as_posix().lstrip("./") not in EXEMPT]
        for name in filenames:
            rel = (pathlib.Path(rel_dir) / name).as_posix().lstrip("./")
            if rel in EXEMPT:
                continue
            if name in NAMES or pathlib.Path(name).suffix in SUFFIXES or "/.ci/" in f"/{rel}":
                yield root / rel, rel


def violations(root: pathlib.Path):
    found = []
    for path, rel in scanned_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            for pattern, why in PATTERNS:
                m = pattern.search(line)
                if m:
                    found.append(f"{rel}:{lineno}: {why}: {line.strip()[:120]}")
    return found


def test_no_file_names_a_path_outside_the_repository():
    found = violations(ROOT)
    assert not found, "files that point outside the repository:\n" + "\n".join(found)


def test_the_check_finds_each_kind_of_reference(tmp_path):
    bad = {
        "a.cc": '// fixtures in "../shared/research/fixtures/x"\n',
        "b.h": "// see shared/research/marketplaces.md\n",
        "c.md": "Sources: `research/money-logistics.md` §3\n",
        "d.cmake": "# from marketplaces.md §A\n",
        "e.py": "PATH = '/work/shared/x'\n",
        "run": "cat /home/someone/notes\n",
        "f.h": "// the error shape (§A.6)\n",
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "ok.md").write_text(
        "eBay Post-Order API, https://developer.ebay.com/devzone/post-order/index.html\n"
        "see tests/fixtures/marketplaces/ebay/README.md; https://example.org/research/x\n")
    found = violations(tmp_path)
    assert sorted({f.split(":")[0] for f in found}) == sorted(bad), found


def test_exempt_folders_are_only_the_vendored_ones():
    # Each exempt folder is a vendored copy with its equality check, or the checks themselves.
    cmake = (ROOT / "tests" / "vendored" / "CMakeLists.txt").read_text()
    for folder in EXEMPT - {"tests/vendored", "tests/repo/standalone_test.py"}:
        assert folder in cmake, f"{folder} is exempt but has no vendored_* equality test"
