"""What `zfs` and `zpool` print for a bad option of list, get, status or upgrade.

usage(B_FALSE) prints "usage:", the command's line(s) and for list/get the property table
on stderr and exits 2; the texts are in usage/, made from the sources by usage/generate.py.
"""
import os

USAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "usage")


def text(tool, zfsutils, command):
    """The usage text of `tool command` in that release ('2.4.4-pve1'), or None."""
    name = "%s-%s-%s.txt" % (tool, zfsutils.split("-")[0], command)
    try:
        with open(os.path.join(USAGE_DIR, name), encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None
