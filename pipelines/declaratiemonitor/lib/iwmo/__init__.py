"""iWmo / iJw 3.2 XML messages (301, 305, 307, 323, 325) to and from the contract tables."""

from declaratiemonitor.lib.iwmo.reader import XmlBatch, read_xml_folder
from declaratiemonitor.lib.iwmo.writer import write_xml_messages

__all__ = ["XmlBatch", "read_xml_folder", "write_xml_messages"]
