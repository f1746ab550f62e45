"""iWmo / iJw 3.2 XML messages (301, 305, 307, 323, 325) to and from the contract tables.

The names below are imported on first use, so that a worker process that only reads files
(pool.py) does not import the writer (polars) with them.
"""

__all__ = ["XmlBatch", "read_xml_folder", "write_xml_messages"]


def __getattr__(name: str):
    if name in ("XmlBatch", "read_xml_folder"):
        from declaratiemonitor.lib.iwmo import reader

        return getattr(reader, name)
    if name == "write_xml_messages":
        from declaratiemonitor.lib.iwmo.writer import write_xml_messages

        return write_xml_messages
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
