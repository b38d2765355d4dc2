"""The XML schema of the case export: generated from model/fields.py, shipped, compiled once.

`render_xsd()` writes `data/schema/cases.xsd` (a test fails when the shipped file is stale). Fields may
appear in any order (`xs:all`), each at most once, every one optional: a missing required field is
reported by the loader as 必填字段缺失 with the field's name, which reads better than an XSD message.
Enum values are plain strings here because a mapping profile may rewrite them before they are checked.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lxml import etree

from auditor.model.fields import CASE_FIELDS, DISCLOSURE_FIELDS, RECORDING_FIELDS, Field

LIST_ITEM = {"officers": "officer"}  # item element of a list field; every other list uses <item>

_TYPES = {
    "str": "text", "enum": "text", "date": "dateValue", "datetime": "dateTimeValue",
    "bool": "boolValue", "int": "intValue", "decimal": "decimalValue",
}

_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated from auditor/model/fields.py by auditor.ingest.xsd.render_xsd(); do not edit by hand.
     The case export of 网上办案系统 (root <cases>) and the disclosure export (root <disclosures>).
     Dates YYYY-MM-DD, datetimes YYYY-MM-DDThh:mm:ss, booleans true/false (是/否 accepted),
     amounts plain decimals (1234.50); an empty element means missing. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="unqualified">
  <xs:simpleType name="empty">
    <xs:restriction base="xs:string"><xs:whiteSpace value="collapse"/><xs:length value="0"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="isoDate">
    <xs:restriction base="xs:date"><xs:pattern value="\\d{4}-\\d{2}-\\d{2}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="dateValue"><xs:union memberTypes="isoDate empty"/></xs:simpleType>
  <xs:simpleType name="isoDateTime">
    <xs:restriction base="xs:dateTime">
      <xs:pattern value="\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="dateTimeValue"><xs:union memberTypes="isoDateTime empty"/></xs:simpleType>
  <xs:simpleType name="boolValue">
    <xs:restriction base="xs:string">
      <xs:whiteSpace value="collapse"/><xs:pattern value="(true|false|是|否|1|0)?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="intValue">
    <xs:restriction base="xs:string"><xs:whiteSpace value="collapse"/><xs:pattern value="(\\d+)?"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="decimalValue">
    <xs:restriction base="xs:string">
      <xs:whiteSpace value="collapse"/><xs:pattern value="(\\d+(\\.\\d+)?)?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="text"><xs:restriction base="xs:string"/></xs:simpleType>
"""


def _list_type(item: str) -> str:
    # mixed: the items as child elements, or (tolerated) one text separated by 、
    return (f'  <xs:complexType name="{item}List" mixed="true">\n'
            f'    <xs:sequence><xs:element name="{item}" type="text" minOccurs="0" '
            f'maxOccurs="unbounded"/></xs:sequence>\n  </xs:complexType>\n')


def _element(f: Field, indent: str) -> str:
    if f.kind in ("list", "enum_list"):
        type_ = LIST_ITEM.get(f.name, "item") + "List"
    else:
        type_ = _TYPES[f.kind]
    return f'{indent}<xs:element name="{f.name}" type="{type_}" minOccurs="0"/>\n'


def _complex(name: str, fields: tuple[Field, ...], extra: str = "") -> str:
    body = "".join(_element(f, "      ") for f in fields)
    return f'  <xs:complexType name="{name}">\n    <xs:all>\n{body}{extra}    </xs:all>\n  </xs:complexType>\n'


def render_xsd() -> str:
    """The schema text for the current field catalogue."""
    items = sorted({LIST_ITEM.get(f.name, "item") for fs in (CASE_FIELDS, RECORDING_FIELDS, DISCLOSURE_FIELDS)
                    for f in fs if f.kind in ("list", "enum_list")})
    parts = [_HEADER, *(_list_type(i) for i in items)]
    parts.append(_complex("recordingType", RECORDING_FIELDS))
    parts.append('  <xs:complexType name="recordingList">\n    <xs:sequence><xs:element name="recording" '
                 'type="recordingType" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>\n'
                 '  </xs:complexType>\n')
    parts.append(_complex("caseType", CASE_FIELDS,
                          '      <xs:element name="recordings" type="recordingList" minOccurs="0"/>\n'))
    parts.append(_complex("disclosureType", DISCLOSURE_FIELDS))
    for root, child in (("cases", "case"), ("disclosures", "disclosure")):
        parts.append(f'  <xs:element name="{child}" type="{child}Type"/>\n')
        parts.append(f'  <xs:element name="{root}">\n    <xs:complexType>\n      <xs:sequence>'
                     f'<xs:element ref="{child}" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>\n'
                     f'      <xs:attribute name="exported_at" type="text"/>\n'
                     f'      <xs:attribute name="system" type="text"/>\n'
                     f'    </xs:complexType>\n  </xs:element>\n')
    parts.append("</xs:schema>\n")
    return "".join(parts)


def shipped_xsd_text() -> str:
    return (resources.files("auditor") / "data" / "schema" / "cases.xsd").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The shipped schema, compiled once per process."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return etree.XMLSchema(etree.fromstring(shipped_xsd_text().encode("utf-8"), parser))


# libxml2 messages look like: Element 'filing_date': '2025-02-30' is not a valid value of ...
_ELEMENT = re.compile(r"Element '([^']+)'")
_RECORDING_INDEX = re.compile(r"/recording(?:\[(\d+)\])?(?=/|$)")


def schema_errors(element) -> list[tuple[int, str | None, int | None, str]]:
    """Validate one `case`/`disclosure` element subtree.

    Returns `(line, element name, recording index or None, message)` per violation; the recording
    index (1-based) says the problem lies inside that nested recording only.
    """
    for ref in element.iter(etree.Entity):
        # An unresolved entity (&xxe; from a DOCTYPE) makes libxml2's validator fail internally; it is
        # never expanded (no external entities, no DTD), so the case is rejected naming the field.
        parent = ref.getparent()
        return [(ref.sourceline or element.sourceline, parent.tag if parent is not element else None, None,
                 f"含实体引用 {ref.text}（出于安全不解析 DTD 实体）")]
    xsd = schema()
    try:
        if xsd.validate(element):
            return []
    except etree.XMLSchemaValidateError as exc:
        return [(element.sourceline, None, None, f"无法按 XSD 校验: {exc}")]
    out = []
    for err in xsd.error_log:
        m = _ELEMENT.search(err.message)
        rec = _RECORDING_INDEX.search(err.path or "")
        index = None
        if rec and not (m and m.group(1) == "recordings"):
            index = int(rec.group(1) or 1)
        out.append((err.line, m.group(1) if m else None, index, _translate(err.message)))
    return out


_TRANSLATIONS = (
    (re.compile(r"^Element '[^']+': '(.*)' is not a valid value of the (?:union|atomic) type.*$", re.S),
     "值不符合格式: '{0}'"),
    (re.compile(r"^Element '[^']+': \[facet '[^']+'\] The value '(.*)' is not (?:accepted|a valid).*$", re.S),
     "值不符合格式: '{0}'"),
    (re.compile(r"^Element '[^']+', attribute '([^']+)': .*$", re.S), "属性 {0} 无效"),
    (re.compile(r"^Element '([^']+)': This element is not expected\..*$", re.S), "不应出现的元素 <{0}>"),
    (re.compile(r"^Element '[^']+': Element content is not allowed.*$", re.S), "此元素不应含子元素"),
    (re.compile(r"^Element '[^']+': .*[Cc]haracter content other than whitespace.*$", re.S),
     "此元素不应含文字"),
)


def _translate(message: str) -> str:
    message = message.strip()
    for rx, template in _TRANSLATIONS:
        m = rx.match(message)
        if m:
            return template.format(*m.groups())
    return f"不符合 XSD: {message}"
