"""Number and time formatting exactly as libzfs / Perl print them."""
import time

_NUMBER_UNITS = ["", "K", "M", "G", "T", "P", "E"]
_BYTE_UNITS = ["B", "K", "M", "G", "T", "P", "E"]


def _nice(num, units):
    """zfs_nicenum_format(): 1024-based, at most 5 characters."""
    num = int(num)
    index = 0
    n = num
    while n >= 1024 and index < 6:
        n //= 1024
        index += 1
    unit = units[index]
    if index == 0 or num % (1024**index) == 0:
        return "%d%s" % (n, unit)
    value = num / (1024**index)
    for precision in (2, 1, 0):
        text = "%.*f%s" % (precision, value, unit)
        if len(text) <= 5:
            return text
    return text


def nicenum(num):
    return _nice(num, _NUMBER_UNITS)


def nicebytes(num):
    return _nice(num, _BYTE_UNITS)


def ctime(epoch):
    """C ctime() without the newline: 'Sun Jul  9 00:34:32 2024'."""
    return time.strftime("%a %b %e %H:%M:%S %Y", time.localtime(epoch))


def dhms(seconds):
    """secs_to_dhms() of zpool_main.c."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    if days:
        return "%d days %02d:%02d:%02d" % (days, h, m, s)
    return "%02d:%02d:%02d" % (h, m, s)


def perl_number(value):
    """How Perl stringifies a float (%.15g)."""
    return "%.15g" % value


def pve_log_time(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def pvesr_time(epoch):
    return time.strftime("%Y-%m-%d_%H:%M:%S", time.localtime(epoch))
