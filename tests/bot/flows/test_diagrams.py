"""Every flow's checked-in Mermaid diagram shows exactly its declared transitions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from bot.flows.base import END, Flow, mermaid_edges
from bot.flows.calculator import CalculatorFlow
from bot.flows.case_status import CaseStatusFlow
from bot.flows.delete_data import DeleteDataFlow
from bot.flows.intake.flow import IntakeFlow
from bot.runtime import default_flows

EDGE = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)", re.MULTILINE)


def all_flows() -> list[type[Flow]]:
    flows = {
        DeleteDataFlow,
        CalculatorFlow,
        IntakeFlow,
        CaseStatusFlow,
        *(type(f) for f in default_flows()),
    }
    return sorted(flows, key=lambda f: f.name)


def diagram_edges(flow: type[Flow]) -> set[tuple[str, str]]:
    module_file = Path(sys.modules[flow.__module__].__file__ or "")
    return set(EDGE.findall(module_file.with_suffix(".mmd").read_text(encoding="utf-8")))


@pytest.mark.parametrize("flow", all_flows(), ids=lambda f: f.name)
def test_diagram_matches_transitions(flow: type[Flow]) -> None:
    edges = diagram_edges(flow)
    assert ("[*]", flow.initial_step) in edges
    inner = {(a, b) for a, b in edges if "[*]" not in (a, b)}
    assert inner == mermaid_edges(flow)
    assert all(dst == END or dst in flow.transitions for _, dst in inner)
