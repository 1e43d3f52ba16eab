#!/usr/bin/env python3
"""Checks that every document the repository cites is in the repository.

A citation names a file and, optionally, a section of it by heading, as code comments, tests
and READMEs do: `doc/protocols.md` then a section sign and `cTCP trailer`. The rules:

- a path ending in `.md` must exist, relative to the repository root or to the citing file;
- a section sign after such a path must be followed by one of that file's headings (case and
  spacing aside; a heading may run on to the next line of a wrapped comment), and not by a
  near miss of a longer heading;
- a section sign (or "section N") after an RFC, an Internet-Draft, a standard, a guide or manual,
  a manual page or a work cited by year is that document's and is not checked; one after no
  document at all names nothing and is an error;
- "section N" after a `.md` path is an error: the repository's documents are cited by heading;
- a relative Markdown link must point at an existing file, and its `#anchor` at a heading of
  that file (GitHub's anchor rules);
- wording that points outside the repository ("reference" followed by a section) is an error.

Usage: check_citations.py [--root DIR] [FILE ...]
With no FILE, every file git tracks under DIR (default: the repository holding this script).
Exit 0 when every citation resolves, 1 with one line per broken citation, 2 on bad usage.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

SECTION_SIGN = "\u00a7"

# A path-like token ending in .md (not part of a longer word such as .md5).
MD_PATH = re.compile(r"(?<![\w./-])((?:\.\.?/)*[\w][\w./-]*\.md)(?![\w-])")
# Documents whose own sections a citation may name without this repository holding them: RFCs
# and drafts, standards, vendors' guides and manuals, manual pages, works cited by year.
EXTERNAL_DOC = re.compile(r"\bRFC ?\d+|\bdraft-[a-z0-9][a-z0-9.-]*|\b(?:IEEE|ISO|IEC|ITU-T)\b"
                          r"|\b(?:guide|manual|handbook|book|standard|command reference)\b"
                          r"|\b[\w.-]+\(\d\)|\b(?:19|20)\d\d\b", re.IGNORECASE)
SECTION_WORD = re.compile(r"\bsections? \d", re.IGNORECASE)
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
MD_LINK = re.compile(r"\]\(([^()\s]+)\)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# Wording that cites material outside the repository by number.
OUTSIDE = re.compile(r"\breference(?:\s+" + SECTION_SIGN
                     + r"|\s+sections?\s+\d|\s+\d+(?:\.\d+)*\b)", re.IGNORECASE)
# Comment leaders removed from a continuation line before it is joined to the line above.
COMMENT_LEADER = re.compile(r"^\s*(//+!?|/\*+|\*+(?!/)|#+|--|;+)?\s*")
LOOKBACK_LINES = 3
# What may follow a cited heading: punctuation, "and"/"or", or the end of a line.
CITATION_END = r"(?=[ \t]*(?:[)\],;:\"'`(*<>|]|\.(?:\s|$)|\n|$)|[ \t]+(?:and|or)[ \t\n])"
COMMENT_BLOCK_LINES = 40
# How alike the words after a heading and a longer heading must be to count as a misspelling.
NEAR_MISS = 0.8


def normalize(text):
    return " ".join(text.split()).casefold()


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


class Document:
    """The headings and anchors of one Markdown file."""

    def __init__(self, path):
        self.headings = []
        self.anchors = set()
        counts = {}
        fenced = False
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if FENCE.match(line):
                    fenced = not fenced
                    continue
                m = None if fenced else HEADING.match(line)
                if not m:
                    continue
                title = m.group(2).replace("`", "")
                self.headings.append(normalize(title))
                anchor = github_anchor(title)
                n = counts.get(anchor, 0)
                counts[anchor] = n + 1
                self.anchors.add(anchor if n == 0 else "%s-%d" % (anchor, n))

    def section_at(self, text):
        """The heading `text` starts with, or None. A heading followed by punctuation, "and",
        "or" or the end of a line is taken as it is. One followed by more words is taken unless
        those words nearly spell a longer heading that begins the same way: "cTCP tralier" is a
        misspelt "cTCP trailer", not "cTCP" followed by prose."""
        by_length = sorted(self.headings, key=len, reverse=True)
        for h in by_length:
            if re.match(self.pattern(h) + CITATION_END, text, re.IGNORECASE):
                return h
        for h in by_length:
            if not re.match(self.pattern(h) + r"[ \t\n]+\w", text, re.IGNORECASE):
                continue
            words = normalize(text).split(" ")
            for longer in self.headings:
                if longer.startswith(h + " "):
                    said = " ".join(words[:len(longer.split(" "))])
                    if difflib.SequenceMatcher(None, said, longer).ratio() >= NEAR_MISS:
                        return None
            return h
        return None

    @staticmethod
    def pattern(heading):
        return r"[ \t\n]+".join(re.escape(w) for w in heading.split(" "))


class Checker:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.documents = {}
        self.errors = []

    def document(self, path):
        if path not in self.documents:
            self.documents[path] = Document(path)
        return self.documents[path]

    def resolve(self, cited, citing):
        """The file a cited path names (repository root first, then the citing file's folder)."""
        for base in (self.root, os.path.dirname(citing)):
            candidate = os.path.normpath(os.path.join(base, cited))
            if candidate.startswith(self.root + os.sep) and os.path.exists(candidate):
                return candidate
        return None

    def error(self, citing, number, message):
        self.errors.append("%s:%d: %s" % (os.path.relpath(citing, self.root), number, message))

    def check_file(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data[:8192]:
            return
        lines = data.decode("utf-8", errors="replace").split("\n")
        is_markdown = path.endswith(".md")
        for index, raw in enumerate(lines):
            line = URL.sub(" ", raw)
            following = COMMENT_LEADER.sub("", lines[index + 1]) if index + 1 < len(lines) else ""
            if is_markdown:
                self.check_links(path, index + 1, line)
            anchors = self.anchors_in(path, index + 1, line)
            outside = OUTSIDE.search(line)
            if outside:
                self.error(path, index + 1, "'%s' cites a reference outside the repository; cite "
                           "a doc/ file and heading" % outside.group(0))
                continue
            self.check_sections(path, index + 1, line, following, anchors,
                                lambda: self.earlier_anchors(path, lines, index))

    @staticmethod
    def lookback(lines, index):
        """Earlier lines whose documents a section sign on line `index` may belong to: the rest
        of its comment block (a wrapped list that names the file once), else a few lines."""
        def in_comment(line):
            m = COMMENT_LEADER.match(line)
            return bool(m.group(1)) and line[m.end():].strip() != ""
        first = index
        if in_comment(lines[index]):
            while (first > 0 and index - first < COMMENT_BLOCK_LINES
                   and in_comment(lines[first - 1])):
                first -= 1
        first = min(first, max(0, index - LOOKBACK_LINES))
        return range(first, index)

    def earlier_anchors(self, path, lines, index):
        earlier = []
        for back in self.lookback(lines, index):
            earlier.extend(self.anchors_in(path, None, URL.sub(" ", lines[back]), quiet=True))
        return earlier

    def anchors_in(self, path, number, line, quiet=False):
        """Documents named on a line, in order: (position, kind, resolved path or None)."""
        found = []
        for m in MD_PATH.finditer(line):
            target = self.resolve(m.group(1), path)
            if target is None and not quiet:
                self.error(path, number, "cites %s, which is not in the repository" % m.group(1))
            found.append((m.end(), "md", target, m.group(1)))
        for m in EXTERNAL_DOC.finditer(line):
            found.append((m.end(), "external", None, m.group(0)))
        return sorted(found, key=lambda a: a[0])

    def check_sections(self, path, number, line, following, anchors, earlier_anchors):
        marks = [(m.start(), "sign") for m in re.finditer(SECTION_SIGN, line)]
        marks += [(m.start(), "word") for m in SECTION_WORD.finditer(line)]
        earlier = earlier_anchors() if marks else []
        for position, kind in sorted(marks):
            before = [a for a in anchors if a[0] <= position]
            owner = before[-1] if before else (earlier[-1] if earlier else None)
            if owner is None and path.endswith(".md"):
                owner = (0, "md", path, os.path.relpath(path, self.root))  # its own heading
            if owner is None:
                self.error(path, number, "a section is cited without naming its document (an "
                           "RFC, or a doc/ file before the section sign)")
                continue
            _, owner_kind, target, name = owner
            if owner_kind == "external" or target is None:
                continue  # an RFC's own section, or a missing file already reported
            if kind == "word":
                self.error(path, number, "%s is cited by section number; cite its heading after "
                           "a section sign" % name)
                continue
            text = line[position + len(SECTION_SIGN):].strip() + "\n" + following.strip()
            if not target.endswith(".md") or os.path.isdir(target):
                continue
            if self.document(target).section_at(text) is None:
                words = " ".join(text.split()[:4])
                self.error(path, number, "%s has no heading that '%s...' starts with"
                           % (name, words))

    def check_links(self, path, number, line):
        for m in MD_LINK.finditer(line):
            target = m.group(1)
            if target.startswith(("mailto:",)) or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            file_part, _, anchor = target.partition("#")
            resolved = path if not file_part else self.resolve(file_part, path)
            if file_part and resolved is None:
                if not MD_PATH.fullmatch(file_part):  # a missing .md is reported as cited
                    self.error(path, number, "links to %s, which is not in the repository"
                               % file_part)
                continue
            if (anchor and resolved.endswith(".md")
                    and anchor not in self.document(resolved).anchors):
                self.error(path, number, "links to #%s, which is no heading of %s"
                           % (anchor, os.path.relpath(resolved, self.root)))


def tracked_files(root):
    """The files git tracks when `root` is the top of a work tree, else every file under it."""
    try:
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(root):
            raise ValueError("not the top of a work tree")
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout
        return [os.path.join(root, p) for p in out.decode().split("\0") if p]
    except (OSError, ValueError, subprocess.CalledProcessError):
        files = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and not d.startswith("build")]
            files.extend(os.path.join(folder, n) for n in names)
        return files


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.root):
        print("--root: %s is not a directory" % args.root, file=sys.stderr)
        return 2
    checker = Checker(args.root)
    files = [os.path.abspath(f) for f in args.files] or tracked_files(checker.root)
    for path in files:
        if os.path.isfile(path):
            checker.check_file(path)
    for e in checker.errors:
        print(e)
    print("%d files, %d broken citations" % (len(files), len(checker.errors)))
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
