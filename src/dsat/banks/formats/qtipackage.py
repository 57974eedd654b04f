"""IMS QTI files as trainers have them: one item's XML, or a content package (a zip whose
imsmanifest.xml lists the item files; the folder of an item file is its category). Reader,
and the writer of QTI 2.1 packages."""

from __future__ import annotations

import io
import posixpath
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dsat.banks.formats.guard import MAX_QTI_ITEMS, MAX_QTI_MEMBER, MAX_QTI_TOTAL
from dsat.banks.formats.model import Exported, ParseResult, Problem
from dsat.banks.formats.qti import QTI12, read_item, to_foreign, write_item
from dsat.banks.formats.safezip import (
    Budget,
    ZipRefused,
    is_zip,
    member_names,
    open_zip,
    read_member,
)
from dsat.banks.formats.spec import Spec
from dsat.banks.formats.xmlsource import XmlProblem, local, parse

if TYPE_CHECKING:
    from dsat.domain.items import Item


def read_file(data: bytes, name: str) -> ParseResult:
    """A single item XML file or a content package (zip with imsmanifest.xml)."""
    if is_zip(data):
        return _read_package(data)
    result = ParseResult()
    _read_one(data, name, result, "")
    return result


def _read_one(data: bytes, name: str, result: ParseResult, category: str) -> None:
    """One item file; `name` is its path inside the package ("" for a file on its own)."""
    try:
        doc = parse(data)
    except XmlProblem as exc:
        result.problems.append(Problem(exc.line, str(exc), exc.field, name))
        return
    item = read_item(doc, name)
    if item.problems:
        result.problems += item.problems
        return
    q = to_foreign(item)
    if isinstance(q, Problem):
        q.inner = name
        result.problems.append(q)
        return
    q.category = category
    q.location = name
    result.questions.append(q)


MANIFEST = "imsmanifest.xml"


def _read_package(data: bytes) -> ParseResult:
    """Every item the manifest lists, each file read once, within the package limits."""
    result = ParseResult()
    try:
        zf = open_zip(data)
    except ZipRefused as exc:
        result.problems.append(exc.problem)
        return result
    budget = Budget(MAX_QTI_TOTAL)
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            result.problems.append(Problem(0, "the package has no imsmanifest.xml", "zip"))
            return result
        try:
            manifest = parse(read_member(zf, MANIFEST, MAX_QTI_MEMBER, budget))
        except ZipRefused as exc:
            result.problems.append(exc.problem)
            return result
        except XmlProblem as exc:
            result.problems.append(Problem(exc.line, str(exc), exc.field, MANIFEST))
            return result
        resources = [r for r in manifest.root.iter() if local(r.tag) == "resource"]
        old = next((r for r in resources if "v1p2" in r.get("type", "")), None)
        if old is not None:
            result.problems.append(Problem(manifest.line(old), QTI12, "type", MANIFEST))
            return result
        items = [r for r in resources if r.get("type", "").startswith("imsqti_item")]
        if len(items) > MAX_QTI_ITEMS:
            result.problems.append(
                Problem(
                    manifest.line(items[MAX_QTI_ITEMS]),
                    f"the manifest lists {len(items):,} items; at most {MAX_QTI_ITEMS:,} are read",
                    "resource",
                    MANIFEST,
                )
            )
            return result
        first: dict[str, int] = {}
        for res in items:
            line = manifest.line(res)
            href = res.get("href", "")
            path = posixpath.normpath(href) if href else ""
            if not path or path.startswith(("..", "/")) or path not in names:
                result.problems.append(
                    Problem(line, f"item file {href!r} is missing", "href", MANIFEST)
                )
                continue
            if path in first:
                result.problems.append(
                    Problem(
                        line,
                        f"item file {href!r} is listed again (first at line {first[path]})",
                        "href",
                        MANIFEST,
                    )
                )
                continue
            first[path] = line
            try:
                member = read_member(zf, path, MAX_QTI_MEMBER, budget)
            except ZipRefused as exc:
                result.problems.append(exc.problem)
                if exc.problem.field == "size" and budget.left < MAX_QTI_MEMBER:
                    break  # the package's budget is spent: reading on would only repeat it
                continue
            _read_one(member, path, result, posixpath.dirname(path))
    return result


def write(items: Sequence[Item]) -> Exported:
    """Items as a QTI 2.1 content package: one item file per item, in competency folders."""
    import zipfile

    buf = io.BytesIO()
    resources = []
    skipped = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, item in enumerate(items, 1):
            xml = write_item(item)
            if xml is None:
                skipped.append(f"{item.type} items have no QTI form: {item.id}")
                continue
            href = f"items/{item.competency}/item{n:05d}.xml"
            zf.writestr(href, xml)
            resources.append(
                f'<resource identifier="R{n}" type="imsqti_item_xmlv2p1" href="{href}">'
                f'<file href="{href}"/></resource>'
            )
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="dsat-export">'
            "<metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion>"
            "</metadata><organizations/><resources>"
            + "".join(resources)
            + "</resources></manifest>\n"
        )
        zf.writestr("imsmanifest.xml", manifest)
    return Exported(buf.getvalue(), len(resources), skipped)


def _sniff(path: Path, data: bytes) -> bool:
    """A zip holding imsmanifest.xml whatever its name, or an .xml assessmentItem."""
    if is_zip(data):
        return "imsmanifest.xml" in member_names(data)
    head = data[:4096].decode("utf-8", "replace")
    return path.suffix.lower() == ".xml" and "assessmentItem" in head and "<quiz" not in head


FORMAT = Spec(
    name="qti",
    label="IMS QTI 2.1 / 2.2",
    suffixes=(".zip",),
    searched=(".xml", ".zip"),
    detected="a zip holding `imsmanifest.xml` (a content package), whatever its name; "
    "`.zip`; `.xml` holding an `assessmentItem`",
    reads="choice (single, multiple), order, match, associate, text entry (text or number), "
    "inline choice, gap match; scored by `match_correct` or `map_response`, as templates or "
    "written out as rules",
    read=lambda data: read_file(data, ""),
    write=write,
    writes="a QTI 2.1 package",
    cannot_hold={
        "self_rating": "self_rating items have no QTI form",
        "task": "practical tasks have no QTI form",
    },
    sniff=_sniff,
)
