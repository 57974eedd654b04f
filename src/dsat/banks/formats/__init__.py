"""Readers and writers for the question formats trainers already use.

Each reader turns a file into `ForeignQuestion` records that keep what the format says
(Moodle's own field names and fractions), plus located problems; `convert` then maps the
records onto dsat items. Keeping the two steps apart lets the readers be checked against
the other projects' own expectations (tests/conformance) field by field.
"""
