"""``householder schema``: the JSON Schema of the household file, for editors."""

from __future__ import annotations

import json
import sys

from householder.cli.common import JsonOpt


def schema(json_: JsonOpt = False) -> None:
    """Print the JSON Schema of the household file format (always JSON: ``--json`` is
    accepted like every command's, and changes nothing)."""
    from householder.model.household import Household

    doc = Household.model_json_schema(by_alias=True, mode="validation")
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "householder household file"
    sys.stdout.write(json.dumps(doc, indent=2) + "\n")
