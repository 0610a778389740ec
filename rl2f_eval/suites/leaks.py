"""What the suites' leak guards share: numbers written in any notation, and whether a number in
feedback states a value or is a label.

A leak states the answer in a form that leaves the student no work: another notation counts
(`0.5`, `.5`, `50%`, `\\tfrac12`, `one half`, `1,000`, `4\\,000`, `1e3`, `1.2 \\times 10^{-6}`),
and so does a decimal rounded from it (`0.333` for 1/3). A label or a count of the feedback's
own things does not: `line 12`, `tests 11 and 12`, `3 of 10 tests`, `out of 100`, `for n = 1`,
`set the derivative equal to 0`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Number:
    """A number written in `text[start:end]`."""

    value: Fraction
    start: int
    end: int
    places: int | None = None
    """Decimal places written (`0.33`: 2), None for an exact form (integer, fraction, words)."""
    percent: bool = False

    def span(self, text: str) -> str:
        return text[self.start : self.end]


# --- numbers in digits -----------------------------------------------------------------------

_THIN = r"(?:,|\\,|\{,\}|\\thinspace\s?|\\ |~|'|[ \u2009\u202f\xa0])"
_DECIMAL = rf"(?:\d{{1,3}}(?:{_THIN}\d{{3}})+(?![\d.,]\d)|\d+)(?:\.\d+)?|\.\d+"
_EXPONENT = r"\^\s*\{\s*[-−+]?\s*\d+\s*\}|\^\s*[-−+]?\s*\d+|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"
_TIMES = r"\s*(?:\\times|\\cdot|×|·|\*|x)\s*"
_DIGITS = re.compile(
    r"(?<![\w.\\}])"  # not inside a word, a longer number or a TeX command
    r"(?P<sign>[-−–])?"
    r"(?:"
    rf"10\s*(?P<pow10>{_EXPONENT})"
    r"|\\[dt]?frac\s*(?:\{\s*(?P<top>\d+)\s*\}|(?P<top1>\d))\s*(?:\{\s*(?P<bottom>\d+)\s*\}|(?P<bottom1>\d))"
    rf"|(?P<num>{_DECIMAL})(?:"
    r"(?P<e>[eE][-+]?\d+)"
    rf"|{_TIMES}10\s*(?P<pow>{_EXPONENT})"
    r"|(?P<pct>\s?\\?%|\s?percent\b|\s?per\s?cent\b)"
    r"|\s?/\s?(?P<den>\d+)(?!\.\d)"
    r"|\s+out\s+of\s+(?P<outof>\d+)"
    r")?"
    r")"
    r"(?![\w]|\.\d|\s*\^|\s*/\s*\d)"
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺−", "0123456789-+-")
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5)}


def _power(text: str) -> int:
    return int(re.sub(r"[^\d+-]", "", text.translate(_SUPERSCRIPT)) or "1")


def digit_numbers(text: str) -> list[Number]:
    """Numbers written with digits: integers (thousands grouped by commas, thin spaces or
    `{,}`), decimals (`.5`), percentages, e-notation, `a \\times 10^{b}`, `a/b`, `\\frac`,
    `\\tfrac`, `\\dfrac` (with or without TeX dollars), `a out of b`, unicode fractions."""
    found = []
    for m in _DIGITS.finditer(text):
        before = text[: m.start()].rstrip()
        if before.endswith(("^", "_")):  # an exponent or an index: x^ 2, a_ 3
            continue
        places: int | None = None
        if m.group("pow10"):
            value = Fraction(10) ** _power(m.group("pow10"))
        elif m.group("num") is None:
            bottom = int(m.group("bottom") or m.group("bottom1"))
            if not bottom:
                continue
            value = Fraction(int(m.group("top") or m.group("top1")), bottom)
        else:
            plain = re.sub(r"[^\d.]", "", m.group("num"))
            value = Fraction(plain)
            places = len(plain.split(".")[1]) if "." in plain else None
            if m.group("e") or m.group("pow"):
                value *= Fraction(10) ** _power(m.group("e") or m.group("pow"))
                places = None
            elif m.group("pct"):
                value /= 100
                places = None if places is None else places + 2
            elif m.group("den") or m.group("outof"):
                den = int(m.group("den") or m.group("outof"))
                if places is not None or not den:
                    continue
                value /= den
        start = m.start()
        word = re.search(r"\b(?:negative|minus)\s+$", text[:start], re.IGNORECASE)
        if word and not m.group("sign") and not re.search(r"[\d)]\s*$", text[: word.start()]):
            value, start = -value, word.start()
        # a sign only where it cannot be a binary minus (after a number, a name or a bracket)
        if m.group("sign"):
            if re.search(r"(?:\d|(?<![A-Za-z'’])[A-Za-z]|[)\]}])\s*$", text[: m.start()]):
                start += 1
            else:
                value = -value
        found.append(Number(value, start, m.end(), places, bool(m.group("pct"))))
    for m in re.finditer("|".join(_VULGAR), text):
        found.append(Number(Fraction(*_VULGAR[m.group(0)]), m.start(), m.end()))
    return found


# --- numbers in words --------------------------------------------------------------------------

# fmt: off
ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_PARTS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}
# fmt: on
_SCALES = {"dozen": 12, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def _follows(previous: str, word: str) -> bool:
    """Whether `word` continues a number that so far ends in `previous` ("forty" "three": yes;
    "seven" "twenty": no, two numbers)."""
    if previous in TENS:
        return word in ONES[1:10] or word in _SCALES
    if previous in ONES:
        return previous != "zero" and (word == "hundred" or word in _SCALES)
    return word in ONES[1:] or word in TENS or (previous == "hundred" and word in _SCALES)


def spelled_numbers(text: str) -> list[tuple[int, str]]:
    """Every whole number written in English words in `text`, with its span: "forty-three",
    "four hundred and twelve", "two thousand and five", "minus seven" (two numbers side by side,
    "seven and twenty-one", stay two)."""
    return [(int(n.value), n.span(text)) for n in word_numbers(text) if n.value.denominator == 1]


def word_numbers(text: str) -> list[Number]:
    """Numbers written in words: whole numbers (see `spelled_numbers`) and fractions ("one
    half", "a third", "three quarters", "two-fifths")."""
    words = list(_WORD.finditer(text))
    found, i = [], 0
    while i < len(words):
        first = words[i].group(0).lower()
        after = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        if first == "a" and (after == "hundred" or after in _SCALES):  # "a hundred and five"
            first = "one"
        elif first not in ONES and first not in TENS:
            i += 1
            continue
        end, previous, j = i, first, i + 1
        while j < len(words):
            gap = text[words[j - 1].end() : words[j].start()]
            word = words[j].group(0).lower()
            if word == "and" and previous in ("hundred", *_SCALES) and j + 1 < len(words):
                gap += text[words[j].end() : words[j + 1].start()]  # "four hundred and twelve"
                j, word = j + 1, words[j + 1].group(0).lower()
            if gap.strip(" -") or not _follows(previous, word):
                break
            end, previous, j = j, word, j + 1
        total = current = 0
        for match in words[i : end + 1]:
            word = match.group(0).lower()
            if word == "a":
                current = 1
            elif word in ONES:
                current += ONES.index(word)
            elif word in TENS:
                current += 20 + 10 * TENS.index(word)
            elif word == "hundred":
                current *= 100
            elif word in _SCALES:
                total, current = total + current * _SCALES[word], 0
        value, stop = Fraction(total + current), words[end].end()
        nxt = words[end + 1] if end + 1 < len(words) else None
        if (
            nxt is not None
            and nxt.group(0).lower() in _PARTS
            and not text[stop : nxt.start()].strip(" -")
            # "seven halves", "two thirds"; a singular part only after one ("twenty fifth" is
            # an ordinal)
            and value > 0
            and (nxt.group(0).lower().endswith("s") or value < _PARTS[nxt.group(0).lower()])
        ):
            value, stop, end = value / _PARTS[nxt.group(0).lower()], nxt.end(), end + 1
        start = words[i].start()
        sign = re.search(r"\b(minus|negative)\s+$", text[:start], re.IGNORECASE)
        if sign:
            start = sign.start(1)
        found.append(Number(-value if sign else value, start, stop))
        i = end + 1
    for m in re.finditer(r"\b(?:a|one)[\s-]+(half|third|quarter|fourth|fifth)\b", text, re.I):
        if not any(n.start <= m.start() < n.end for n in found):
            found.append(Number(Fraction(1, _PARTS[m.group(1).lower()]), m.start(), m.end()))
    return found


def numbers(text: str) -> list[Number]:
    """Every number in `text`, in digits or in words, in order of position."""
    return sorted(digit_numbers(text) + word_numbers(text), key=lambda n: n.start)


def same_value(number: Number, value: Fraction) -> bool:
    """`number` states `value`: exactly, or as a decimal rounded from it with at least two
    significant digits (0.33 or 33% for 1/3; not 0.3)."""
    if number.value == value:
        return True
    if number.places is None or not number.value or significant_digits(number) < 2:
        return False
    return abs(value - number.value) <= Fraction(1, 2 * 10**number.places)


def significant_digits(number: Number) -> int:
    """How many significant digits a decimal is written with (0.33: 2, 1.414: 4); 0 for an
    exact form."""
    if number.places is None:
        return 0
    return len(str(round(abs(number.value) * 10**number.places)).lstrip("0"))


# --- where a number is a label, a count or a sample point ---------------------------------------

_LABEL_WORDS = (
    r"lines?|steps?|rows?|columns?|cols?|moves?|tests?|test\s+cases?|cases?|turns?|attempts?"
    r"|clues?|houses?|positions?|items?|examples?|parts?|problems?|questions?"
    r"|exercises?|rules?|pages?|chapters?|sections?|equations?|eqs?\.?|lemmas?|theorems?"
    r"|figures?|fig\.?|cells?|squares?|index|indices|entry|entries|levels?|rounds?"
    r"|words?|letters?|boxes?|samples?|hints?|options?|stages?|phases?|iterations?|arguments?"
    r"|inputs?|outputs?|queries|query|days?|statements?|claims?|inhabitants?|persons?|people"
    r"|places?|slots?|spots?|digits?|no\.|#"
)
_LABEL_LIST = re.compile(
    rf"\b(?:{_LABEL_WORDS})\s*(?:#|no\.?)?\s*"
    r"\d+(?:\s*(?:,|and|or|to|through|-|–|&)\s*#?\d+)*(?![\w.]\d)",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"^\s*(?:more\s+|other\s+|additional\s+|failing\s+|passing\s+|hidden\s+|of\s+(?:the|your|its|"
    r"all)\s+(?:\d+\s+)?)?(?:tests?|test\s+cases?|lines?\s+of\s+code|decimal\s+places|decimals"
    r"|significant\s+(?:figures|digits)|sig\s+figs|sample\s+points|points\s+checked"
    r"|assertions?|checks?|seconds?|ms\b|milliseconds?|attempts?|turns?|tries|guesses)\b",
    re.IGNORECASE,
)
_OF_TOTAL = re.compile(r"\b(?:out\s+of|of\s+(?:the|all)?)\s*$", re.IGNORECASE)
_VARIABLE = r"(?:\\?[A-Za-z]+(?:_\{?\w+\}?)?|\\epsilon|\\varepsilon|ε|[α-ω])"
_SAMPLE_POINT = re.compile(
    r"\b(?:for|at|when|whenever|if|with|where|plug\w*(?:\s+in)?|substitut\w+|setting|set|try\w*"
    r"|let|put\w*|assume|suppose|evaluat\w+(?:\s+\w+)?\s+at|cases?|as|near|around|from|to"
    r"|between|small|large|check\w*|sample|input|inputs|test\w*)\s+"
    rf"(?:[$(\\(]+\s*)?(?:{_VARIABLE}\s*(?:=|\\to|→|->|\\rightarrow)\s*[^,;.]*?(?:,|and|or)\s*)*"
    rf"{_VARIABLE}\s*(?:=|\\to|→|->|\\rightarrow|\\approx|approaches|tends\s+to|goes\s+to|is)\s*"
    r"[$(\\(]*\s*$",
    re.IGNORECASE,
)
_POINT_AFTER = re.compile(r"^\s*[$)]*\s*(?:case|limit|boundary|endpoint)\b", re.IGNORECASE)
_ERROR_BAND = re.compile(
    r"\b(?:off\s+by|relative\s+error|error|tolerance|within|accura\w+|differs?\s+by)\b",
    re.IGNORECASE,
)


def sentence_before(text: str, position: int) -> str:
    """The sentence `position` stands in, up to `position` (a full stop inside a number, such as
    3.5, does not end one)."""
    head = text[:position]
    cut = max((m.end() for m in re.finditer(r"[.!?](?!\d)\s|[;\n]", head)), default=0)
    return head[cut:]


def labels(text: str) -> set[int]:
    """Start positions of the numbers in `text` that label or count things rather than state a
    value: `line 12`, `tests 11 and 12`, `3 of 10 tests`, `out of 100`, `at x = 0`, `for
    n = 1`, `the n = 1 case`, `x \\to 0`, and percentages in an error band ("off by between
    10% and 50%")."""
    found = set()
    for m in _LABEL_LIST.finditer(text):
        found.update(m.start() + d.start() for d in re.finditer(r"\d", m.group(0)))
    for number in numbers(text):
        before, after = text[: number.start], text[number.end :]
        sentence = sentence_before(text, number.start)
        if (
            _COUNTED.match(after)
            or _OF_TOTAL.search(before[-12:])
            or _SAMPLE_POINT.search(sentence[-80:])
            or (_POINT_AFTER.match(after) and re.search(r"=\s*\$?\s*$", before))
            or (number.percent and _ERROR_BAND.search(sentence))
        ):
            found.add(number.start)
    return found


# --- where a number is stated as the result ---------------------------------------------------

_ADVERBS = (
    r"(?:\s*(?:exactly|just|only|precisely|about|approximately|approx\.?|around|roughly|simply"
    r"|actually|indeed|really|still|then|therefore|thus|so|in\s+fact|of\s+course|the\s+number"
    r"|the\s+value|\$|\\\(|\\boxed\{|\*\*|`|\"|'|\(|:))*\s*"
)
_RESULT_WORDS = (
    r"answer|result|solution|total|sum|product|difference|quotient|value|limit|probability"
    r"|count|number\s+of\s+\w+|minimum|maximum|area|volume|length|remainder|outcome|integral"
    r"|output|it|this|that|which|they|there|roots?|zeros?|solutions?|coordinates?|components?"
    r"|entry|term|elements?|other|limit"
)
_STATED_BEFORE = re.compile(
    rf"(?:\b(?:{_RESULT_WORDS})\b[^.;:!?]*?\b(?:is|are|was|were|'s|=|equals?|should\s+be"
    r"|must\s+be|would\s+be|will\s+be|comes?\s+(?:out\s+)?(?:to|as)|works?\s+out\s+(?:to|as)"
    r"|evaluates?\s+to|simplifies\s+to|reduces\s+to|turns?\s+out\s+to\s+be|becomes|gives?"
    r"|tends?\s+to|approaches|goes\s+to|converges\s+to"
    r"|yields?|makes?)"
    r"|\b(?:you|we)\s+(?:should|will|would|'ll|must|need\s+to)?\s*(?:get|obtain|find|reach"
    r"|end\s+up\s+with|arrive\s+at|have|land\s+on|write)"
    r"|\b(?:gives?|giving|yields?|yielding|totals?|makes?|produces?|leaves?|leaving)"
    r"\s+(?:you\s+)?|\d\s*(?:=|equals|is|makes|gives|leaves)"
    r"|\b(?:answer|result|value|solution|total|limit|sum|product|count)\s*(?:is|:|=)|\bboxed\s*\{|\b(?:try|use|guess|write|put|enter|submit"
    r"|choose|pick|say)"
    r"|\bthere\s+(?:are|is|will\s+be|should\s+be)\s+(?:exactly|precisely|only|just)"
    r"|(?<![\w'])[A-Za-z]\s*(?:=|is|equals)"  # x = 3, y is -4
    rf"){_ADVERBS}$",
    re.IGNORECASE,
)
_STATED_AFTER = re.compile(
    r"^\s*[$)*`\"']*\s*(?:\}\s*)?(?:is|would\s+be|should\s+be|will\s+be|was)\s+(?:the\s+)?"
    r"(?:correct|right|final|answer|solution|result|value\s+you\s+want)"
    r"|^\s*[$)*`\"']*\s*(?:is|was)\s+(?:what|the\s+one)",
    re.IGNORECASE,
)


def stated_as_result(text: str, number: Number) -> bool:
    """Whether `number` is stated as the result ("the answer is 3", "you should get 3", "3 is
    correct", `\\boxed{3}`), not only mentioned ("step 3", "3 cases", "equal to 0")."""
    sentence = sentence_before(text, number.start)
    return bool(_STATED_BEFORE.search(sentence[-100:]) or _STATED_AFTER.match(text[number.end :]))


def value_spans(
    text: str,
    value: Fraction,
    common: bool = False,
    stated: Callable[[str, Number], bool] = stated_as_result,
) -> list[str]:
    """Spans of `text` that state `value` in any notation, labels and counts left out. A
    `common` value (a small integer, or a number the problem itself shows) counts only where it
    is `stated` as the result ("the answer is 2", not "step 2" or "the 2 cases"), or listed
    right after one that is ("the roots are 1 and 2")."""
    skip = labels(text)
    spans, previous = [], None
    for n in numbers(text):
        said = stated(text, n) or (
            previous is not None and re.fullmatch(_LIST_GAP, text[previous.end : n.start])
        )
        if n.start not in skip and same_value(n, value) and (not common or said):
            spans.append(n.span(text))
        previous = n if said else None
    return spans


_LIST_GAP = r"\s*(?:,|and|or|,\s*and|,\s*or|;)\s*(?:[a-z]\s*=\s*)?"


# --- arithmetic written out -------------------------------------------------------------------

_OPERATORS = (
    (r"\\times|\\cdot|×|·|∗|\*|x|\btimes\b|\bmultiplied\s+by\b", "*"),
    (r"\\div|÷|/|\bdivided\s+by\b|\bover\b", "/"),
    (r"\+|\bplus\b|\badded\s+to\b|\bmore\s+than\b", "+"),
    (r"\bless\s+than\b|\bfewer\s+than\b|\bsubtracted\s+from\b", "from"),
    (r"[-−–]|\bminus\b|\btake\s+away\b", "-"),
)
_OPERATOR = re.compile("|".join(f"(?P<op{i}>{p})" for i, (p, _) in enumerate(_OPERATORS)), re.I)


@dataclass(frozen=True)
class Expression:
    """Arithmetic written in text (`10 + 2`, `ten plus two`, `1 less than 13`)."""

    value: Fraction
    operands: tuple[Fraction, ...]
    operators: tuple[str, ...]
    span: str


def _evaluate(values: list[Fraction], operators: list[str]) -> Fraction:
    """Left to right with * and / first; `from`: a from b is b - a."""
    stack_values, stack_ops = [values[0]], []
    for op, value in zip(operators, values[1:], strict=True):
        if op in "*/":
            left = stack_values.pop()
            stack_values.append(left * value if op == "*" else left / value)
        else:
            stack_values.append(value)
            stack_ops.append(op)
    total = stack_values[0]
    for op, value in zip(stack_ops, stack_values[1:], strict=True):
        total = total + value if op == "+" else total - value if op == "-" else value - total
    return total


def expressions(text: str) -> list[Expression]:
    """Every run of numbers joined by arithmetic operators in `text` (no brackets: the flat
    runs a teacher writes), evaluated, plus arithmetic in words ("subtract 19 from 1,100",
    "1071 is 10 too small", "double 36")."""
    found: list[Expression] = []
    values = [n for n in numbers(text) if not n.percent]
    i = 0
    while i < len(values):
        run_values, run_ops, j = [values[i].value], [], i
        while j + 1 < len(values):
            gap = text[values[j].end : values[j + 1].start]
            op = _OPERATOR.fullmatch(gap.strip())
            if not op or gap.strip() == "":
                # a sign read into the next number ("7 -5") is the operator
                if gap.strip() == "" and text[values[j + 1].start] in "-−–":
                    run_ops.append("-")
                    run_values.append(-values[j + 1].value)
                    j += 1
                    continue
                break
            run_ops.append(_OPERATORS[int(op.lastgroup[2:])][1])
            run_values.append(values[j + 1].value)
            j += 1
        if run_ops:
            try:
                value = _evaluate(run_values, run_ops)
                span = text[values[i].start : values[j].end]
                found.append(Expression(value, tuple(run_values), tuple(run_ops), span))
            except ZeroDivisionError:
                pass
        i = j + 1
    return found + _worded(text)


_NUMBER_WORD = "|".join(["an?", *ONES, *TENS, "hundred", *_SCALES])
_N = rf"(?:-?\d[\d,]*(?:\.\d+)?|(?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}|and))*)"
_WORDED = (
    # (pattern with groups a and k, how a and k make the value)
    (
        rf"\b(?P<a>{_N})\s+(?:is|was)\s+(?:exactly\s+|just\s+|only\s+)?(?P<k>{_N})\s+too\s+"
        r"(?:large|big|high|much|many|great)\b",
        lambda a, k: a - k,
    ),
    (
        rf"\b(?P<a>{_N})\s+(?:is|was)\s+(?:exactly\s+|just\s+|only\s+)?(?P<k>{_N})\s+too\s+"
        r"(?:small|low|little|few)\b",
        lambda a, k: a + k,
    ),
    (
        rf"\b(?P<a>{_N})\s+(?:is|was)\s+too\s+(?:large|big|high|much)\s+by\s+(?P<k>{_N})",
        lambda a, k: a - k,
    ),
    (
        rf"\b(?P<a>{_N})\s+(?:is|was)\s+too\s+(?:small|low|little)\s+by\s+(?P<k>{_N})",
        lambda a, k: a + k,
    ),
    (
        rf"\b(?:subtract|take(?:\s+away)?|remove)\s+(?P<k>{_N})\s+from\s+(?P<a>{_N})",
        lambda a, k: a - k,
    ),
    (rf"\badd\s+(?P<k>{_N})\s+to\s+(?P<a>{_N})", lambda a, k: a + k),
    (
        rf"\b(?:take|start\s+(?:with|from|at))\s+(?P<a>{_N})\s+and\s+(?:then\s+)?(?:subtract|take"
        rf"\s+away|remove|count\s+(?:down|back))\s+(?P<k>{_N})",
        lambda a, k: a - k,
    ),
    (
        rf"\b(?:take|start\s+(?:with|from|at))\s+(?P<a>{_N})\s+and\s+(?:then\s+)?(?:add|count\s+"
        rf"(?:up|on))\s+(?P<k>{_N})",
        lambda a, k: a + k,
    ),
    (
        rf"\b(?P<k>{_N})\s+(?:more|higher|greater|bigger|larger|above|over|after)(?:\s+than)?\s+"
        rf"(?P<a>{_N})",
        lambda a, k: a + k,
    ),
    (
        rf"\b(?P<k>{_N})\s+(?:less|lower|smaller|fewer|below|under|before)(?:\s+than)?\s+"
        rf"(?P<a>{_N})",
        lambda a, k: a - k,
    ),
    (rf"\b(?:just|right|immediately)\s+(?:after|above)\s+(?P<a>{_N})", lambda a, k: a + 1),
    (rf"\b(?:just|right|immediately)\s+(?:before|below)\s+(?P<a>{_N})", lambda a, k: a - 1),
    (rf"\b(?:double|twice)\s+(?P<a>{_N})", lambda a, k: 2 * a),
    (rf"\b(?P<a>{_N})\s+below\s+zero\b", lambda a, k: -a),
    (rf"\bhalf\s+of\s+(?P<a>{_N})", lambda a, k: a / 2),
)


_IT = r"(?:it|that|this|your\s+(?:answer|number|result|guess|value))"


def _worded(text: str) -> list[Expression]:
    found = []
    # "it", "your answer": the number last mentioned before ("you said 15; subtract one from it")
    referring = [(p.replace(f"(?P<a>{_N})", f"(?P<a>{_IT})"), c) for p, c in _WORDED]
    for pattern, combine in [*_WORDED, *referring]:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            parts = {}
            for name in ("a", "k"):
                if name in m.groupdict():
                    if re.fullmatch(_IT, m.group(name), re.IGNORECASE):
                        earlier = [n for n in numbers(text[: m.start()]) if not n.percent]
                        if not earlier:
                            break
                        parts[name] = earlier[-1].value
                        continue
                    read = numbers(m.group(name))
                    if not read or read[0].start != 0:
                        break
                    parts[name] = read[0].value
            else:
                value = combine(parts["a"], parts.get("k", Fraction(0)))
                found.append(Expression(value, tuple(parts.values()), ("words",), m.group(0)))
    return found


_DIGIT_WORD = {word: str(k) for k, word in enumerate(ONES[:10])}


def spaced_digits(text: str) -> list[Number]:
    """Digits written one by one, `1 0 8 1`, `7-2` or "nine six eight" (two or more)."""
    found = [
        Number(Fraction(re.sub(r"\D", "", m.group(0))), m.start(), m.end())
        for m in re.finditer(r"(?<![\w.,])\d(?:(?: |-|, )\d)+(?![\w.,]?\d)", text)
    ]
    word = "|".join(_DIGIT_WORD)
    for m in re.finditer(rf"\b(?:{word})(?:(?:\s+|-|,\s*)(?:{word}))+\b", text, re.IGNORECASE):
        digits = "".join(_DIGIT_WORD[w.lower()] for w in re.findall(r"[a-z]+", m.group(0), re.I))
        found.append(Number(Fraction(int(digits)), m.start(), m.end()))
    return found
