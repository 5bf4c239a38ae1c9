"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character set (no I,
O, S, V, Z), the last one a check character over the first 17 (weights 3^i mod 31). Checking it catches the
usual typing slips (one wrong or two swapped characters) before a wrong code reaches the enterprise register.
"""
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]

FORMAT_ERROR = ("统一社会信用代码应为18位，由数字和除I、O、S、V、Z外的大写字母组成 / "
                "the credit code has 18 characters: digits and capital letters except I, O, S, V, Z")
CHECK_ERROR = "统一社会信用代码校验位不符，请核对 / the credit code's check character does not match; please check it"


def normalise(code):
    return str(code or "").strip().upper()


def check_character(first17):
    """The 18th character that makes `first17` (17 valid characters) a valid code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code):
    """None for a valid (normalised) code, else the "中文 / English" message saying what is wrong."""
    if len(code) != 18 or any(char not in _VALUE for char in code):
        return FORMAT_ERROR
    if check_character(code[:17]) != code[17]:
        return CHECK_ERROR
    return None


def with_check_character(first17):
    """`first17` completed to a valid code (demo data and tests build codes this way)."""
    return first17 + check_character(first17)
