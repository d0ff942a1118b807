"""Sizes as the windows show them (nixtray/text/byte_size.hpp): IEC units, tenths rounded half up.
The GUI scenarios' checks compare the agent's byte counts with the window's text through it."""


def size(n):
    if n < 1024:
        return f"{n} B"
    units, divisor = ["KiB", "MiB", "GiB", "TiB"], 1024

    def tenths():
        return n // divisor * 10 + (n % divisor * 10 + divisor // 2) // divisor

    unit = 0
    while tenths() >= 10240 and unit + 1 < len(units):
        divisor *= 1024
        unit += 1
    t = tenths()
    return f"{t // 10}.{t % 10} {units[unit]}"
