"""Faults a run meets on a real machine, turned into a clear stop or an accounted run:
a full disk (disk.py: one Dutch sentence with the space needed and free) and a supporting
table that is (nearly) all quarantined (gates.py: the rules that read it are not judged).

See docs/operations.md, "Storingen en foute invoer: wat de gebruiker ziet".
"""
