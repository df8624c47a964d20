"""Criteria engine (评价引擎) for green product and graded green service schemes.

Pure Python: imports nothing from Django, usable as a library and as
``python -m greencert.evaluation evaluate --scheme ID[@VERSION] --input FILE.json``.
"""

from .engine import evaluate
from .errors import ExpressionError, Problem, SchemeError, SubmissionError
from .examples import example_submission
from .expressions import Expression, compile_expression
from .model import Scheme, Text
from .registry import SchemeRegistry, load_shipped_schemes
from .results import Evaluation, ItemOutcome, MetricValue, SectionOutcome
from .scheme import load_scheme
from .submission import NormalisedSubmission

__all__ = [
    "Evaluation",
    "Expression",
    "ExpressionError",
    "ItemOutcome",
    "MetricValue",
    "NormalisedSubmission",
    "Problem",
    "Scheme",
    "SchemeError",
    "SchemeRegistry",
    "SectionOutcome",
    "SubmissionError",
    "Text",
    "compile_expression",
    "evaluate",
    "example_submission",
    "load_scheme",
    "load_shipped_schemes",
]
