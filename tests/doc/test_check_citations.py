"""The citation checker on small planted trees: what it accepts and what it reports.

The citations under test are assembled from pieces (the section sign as an escape, the file
extension apart), so that this file itself cites nothing the repository lacks.
"""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_citations  # noqa: E402

SIGN = "\u00a7"
MD = ".md"
GUIDE = "doc/guide" + MD
SECTION = "sec" + "tion"
REFERENCE = "refer" + "ence"

GUIDE_TEXT = """# Guide

## Alpha beta

## Gamma

## Gamma delta

```
# not a heading: inside a fence
```

### ESP

### Validation: the end-to-end check
"""


def tree(tmp_path, files):
    """A repository in tmp_path holding doc/guide plus `files` (path -> text)."""
    (tmp_path / "doc").mkdir(parents=True)
    (tmp_path / GUIDE).write_text(GUIDE_TEXT)
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path


def errors(tmp_path, files):
    root = tree(tmp_path, files)
    checker = check_citations.Checker(str(root))
    for path in files:
        checker.check_file(str(root / path))
    return checker.errors


def test_a_citation_of_an_existing_heading_passes(tmp_path):
    assert errors(tmp_path, {"src/a.h": "// see %s %sAlpha beta.\n" % (GUIDE, SIGN)}) == []


def test_a_section_that_is_not_a_heading_fails(tmp_path):
    found = errors(tmp_path, {"src/a.h": "// see %s %sAlpha gamma.\n" % (GUIDE, SIGN)})
    assert len(found) == 1
    assert found[0].startswith("src/a.h:1:") and "Alpha gamma" in found[0]


def test_a_cited_file_that_does_not_exist_fails(tmp_path):
    found = errors(tmp_path, {"src/a.h": "// see doc/missing%s %sGamma\n" % (MD, SIGN)})
    assert len(found) == 1 and "doc/missing" + MD in found[0]


def test_a_bare_file_name_resolves_only_beside_the_citing_file(tmp_path):
    beside = errors(tmp_path / "1", {"doc/other" + MD: "see guide%s %sGamma\n" % (MD, SIGN)})
    elsewhere = errors(tmp_path / "2", {"src/a.h": "// see guide%s %sGamma\n" % (MD, SIGN)})
    assert beside == []
    assert len(elsewhere) == 1 and "guide" + MD in elsewhere[0]


def test_a_wrapped_heading_ending_a_line_and_a_second_section_of_the_same_file_pass(tmp_path):
    text = "/*\n * Framing (see %s %sAlpha\n * beta, and %sGamma).\n */\n" % (GUIDE, SIGN, SIGN)
    assert errors(tmp_path, {"src/a.h": text}) == []


def test_a_section_sign_later_in_the_comment_block_belongs_to_the_file_named_above(tmp_path):
    good = "/*\n * Modes (%s):\n *  - a: x\n *  - b: y\n *  - c: z (%sGamma)\n */\n" % (GUIDE, SIGN)
    bad = good.replace(SIGN + "Gamma", SIGN + "Delta")
    assert errors(tmp_path / "1", {"src/a.h": good}) == []
    assert len(errors(tmp_path / "2", {"src/a.h": bad})) == 1


def test_a_misspelt_name_is_not_taken_for_a_shorter_heading_it_begins_with(tmp_path):
    good = "// %s %sGamma delta; %sGamma, and %sGamma\n" % (GUIDE, SIGN, SIGN, SIGN)
    assert errors(tmp_path / "1", {"a.cc": good}) == []
    assert len(errors(tmp_path / "2", {"a.cc": "// %s %sGamma delte\n" % (GUIDE, SIGN)})) == 1
    assert len(errors(tmp_path / "3", {"a.cc": "// %s %sGamma delte)\n" % (GUIDE, SIGN)})) == 1
    assert len(errors(tmp_path / "4", {"a.cc": "// %s %sGamma deltas\n" % (GUIDE, SIGN)})) == 1


def test_a_heading_followed_by_prose_passes(tmp_path):
    text = "// %s %sGamma gives the rule, %sAlpha beta says why\n" % (GUIDE, SIGN, SIGN)
    assert errors(tmp_path, {"a.cc": text}) == []


def test_a_heading_matches_only_at_a_word_boundary(tmp_path):
    assert errors(tmp_path / "1", {"a.py": "# %s %sESP, fine\n" % (GUIDE, SIGN)}) == []
    assert len(errors(tmp_path / "2", {"a.py": "# %s %sESP-in-TCP\n" % (GUIDE, SIGN)})) == 1


def test_numbered_sections_of_a_repository_document_fail(tmp_path):
    assert len(errors(tmp_path / "1", {"a.cc": "// %s %s1.4\n" % (GUIDE, SIGN)})) == 1
    assert len(errors(tmp_path / "2", {"a.cc": "// %s %s 3\n" % (GUIDE, SECTION)})) == 1


def test_sections_of_an_rfc_or_draft_are_not_checked(tmp_path):
    text = ("// RFC 4303 %s2.2 and %s3.4.3; RFC 3948 %s 4; draft-mcgrew-gcm-test-01 %s5\n"
            % (SIGN, SIGN, SECTION, SIGN))
    assert errors(tmp_path, {"a.cc": text}) == []


def test_sections_of_other_outside_documents_are_not_checked(tmp_path):
    text = ("# Agresti 2002, %s 3.5; slurm.conf(5) %sNODES; ASA Firewall CLI Configuration Guide,"
            " %s 7; IEEE 802.1Q %s6.9\n" % (SECTION, SIGN, SECTION, SIGN))
    assert errors(tmp_path, {"a.py": text}) == []


def test_a_section_with_no_document_fails(tmp_path):
    assert len(errors(tmp_path / "1", {"a.cc": "int x; // as %s1.4 says\n" % SIGN})) == 1
    assert len(errors(tmp_path / "2", {"a.cc": "int x; // (%s 4.1)\n" % SECTION})) == 1


def test_wording_that_points_outside_the_repository_fails(tmp_path):
    assert len(errors(tmp_path / "1", {"a.cc": "// (%s 4.5)\n" % REFERENCE})) == 1
    assert len(errors(tmp_path / "2", {"a.cc": "// (%s %s 5)\n" % (REFERENCE, SECTION)})) == 1
    assert len(errors(tmp_path / "3", {"a.cc": "// (%s %s1.4)\n" % (REFERENCE, SIGN)})) == 1


def test_markdown_links_need_their_file_and_anchor(tmp_path):
    good = ("[x](guide%s#alpha-beta) [y](guide%s#validation-the-end-to-end-check) "
            "[z](#gamma) [w](https://example.org/a%s#nothing)\n\n## Gamma\n" % (MD, MD, MD))
    assert errors(tmp_path / "1", {"doc/other" + MD: good}) == []
    bad_anchor = "[x](guide%s#alpha)\n" % MD
    bad_file = "[x](missing%s)\n" % MD
    fenced_heading = "[x](guide%s#not-a-heading-inside-a-fence)\n" % MD
    assert len(errors(tmp_path / "2", {"doc/other" + MD: bad_anchor})) == 1
    assert len(errors(tmp_path / "3", {"doc/other" + MD: bad_file})) == 1
    assert len(errors(tmp_path / "4", {"doc/other" + MD: fenced_heading})) == 1


def test_the_command_exits_1_and_names_each_broken_citation(tmp_path):
    root = tree(tmp_path, {"src/a.h": "// %s %sGamma\n// %s %sNope\n" % (GUIDE, SIGN, GUIDE, SIGN)})
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_citations.py")
    run = subprocess.run([sys.executable, script, "--root", str(root)], capture_output=True,
                         text=True)
    assert run.returncode == 1
    assert "src/a.h:2:" in run.stdout and "src/a.h:1:" not in run.stdout
    fixed = root / "src/a.h"
    fixed.write_text(fixed.read_text().replace("Nope", "Alpha beta"))
    run = subprocess.run([sys.executable, script, "--root", str(root)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout


def test_a_missing_root_is_a_usage_error(tmp_path):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_citations.py")
    run = subprocess.run([sys.executable, script, "--root", str(tmp_path / "none")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "--root" in run.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
