"""IMS QTI files as trainers have them: one item's XML, or a content package (a zip whose
imsmanifest.xml lists the item files; the folder of an item file is its category). Reader,
and the writer of QTI 2.1 packages."""

from __future__ import annotations

import io
import posixpath
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dsat.banks.formats.model import Exported, ParseResult, Problem
from dsat.banks.formats.qti import read_item, to_foreign, write_item
from dsat.banks.formats.safezip import is_zip, member_names
from dsat.banks.formats.spec import Spec
from dsat.banks.formats.xmlsource import XmlProblem, local, parse


def read_file(data: bytes, name: str) -> ParseResult:
    """A single item XML file or a content package (zip with imsmanifest.xml)."""
    if data[:4] == b"PK\x03\x04":
        return _read_package(data, name)
    result = ParseResult()
    _read_one(data, name, result, "")
    return result


def _read_one(data: bytes, name: str, result: ParseResult, category: str) -> None:
    try:
        doc = parse(data)
    except XmlProblem as exc:
        result.problems.append(Problem(exc.line, f"{name}: {exc}" if name else str(exc)))
        return
    item = read_item(doc, name)
    if item.problems:
        result.problems += item.problems
        return
    q = to_foreign(item)
    if isinstance(q, Problem):
        result.problems.append(q)
        return
    q.category = category
    if name:
        q.location = name
    result.questions.append(q)


def _read_package(data: bytes, name: str) -> ParseResult:
    import zipfile

    result = ParseResult()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        result.problems.append(Problem(0, "not a valid zip file"))
        return result
    with zf:
        names = set(zf.namelist())
        if "imsmanifest.xml" not in names:
            result.problems.append(Problem(0, "the package has no imsmanifest.xml"))
            return result
        try:
            manifest = parse(zf.read("imsmanifest.xml"))
        except XmlProblem as exc:
            result.problems.append(Problem(exc.line, f"imsmanifest.xml: {exc}"))
            return result
        for res in manifest.root.iter():
            if local(res.tag) != "resource" or not res.get("type", "").startswith("imsqti_item"):
                continue
            href = res.get("href", "")
            path = posixpath.normpath(href)
            if path.startswith("..") or path not in names:
                result.problems.append(
                    Problem(manifest.line(res), f"imsmanifest.xml: item file {href!r} is missing")
                )
                continue
            info = zf.getinfo(path)
            if info.file_size > 20_000_000:
                result.problems.append(Problem(0, f"{path}: item file is too large"))
                continue
            _read_one(zf.read(path), path, result, posixpath.dirname(path))
    return result


def write(items: Sequence[Any]) -> Exported:
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
    "inline choice, gap match; `match_correct` and `map_response`",
    read=lambda data: read_file(data, ""),
    write=write,
    writes="a QTI 2.1 package",
    cannot_hold={"self_rating": "self_rating items have no QTI form"},
    sniff=_sniff,
)
