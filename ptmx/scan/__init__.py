"""Scan a local project for the pre-trained models it loads; check them; write an AI BOM.

- :func:`scan_project` (walk → detect → join with the dataset → license and card checks)
  returns a :class:`ScanReport` of plain data;
- :func:`to_cyclonedx` turns it into a CycloneDX 1.6 bill of materials, :func:`to_sarif` into
  SARIF 2.1.0;
- :func:`walk`, :func:`detect_file` and :func:`detect_project_license` are usable on their own.

A checkout is untrusted input: every file is read through :class:`~ptmx.scan.boundary.Boundary`
(regular files whose real path is inside the scanned folder only; everything else is skipped
with one warning), and only ids shaped like hub ids are sent to the hub (``--hub``).
"""

from ptmx.scan.bom import to_cyclonedx
from ptmx.scan.detect import Reference, detect_file
from ptmx.scan.project_license import ProjectLicense, detect_project_license
from ptmx.scan.report import (
    ACTIVITIES,
    FAIL_ON,
    Finding,
    ModelUse,
    ScanReport,
    scan_project,
)
from ptmx.scan.sarif import to_sarif
from ptmx.scan.walker import walk

__all__ = [
    "ACTIVITIES", "FAIL_ON", "Finding", "ModelUse", "ProjectLicense", "Reference", "ScanReport",
    "detect_file", "detect_project_license", "scan_project", "to_cyclonedx", "to_sarif", "walk",
]
