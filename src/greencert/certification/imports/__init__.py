"""Bulk import (批量导入) of a certification body's certificates and of later changes to them.

- ``columns``, ``data/import_columns.yaml``: the template's columns, one per field of
  ``intake.IssueRecord`` / ``intake.ChangeRecord``; ``template_files`` writes the templates.
- ``table``: reading CSV (encoding detected) and XLSX; ``layout`` and ``cells``: the header row
  matched to the columns and each cell read into its field.
- ``certificates`` and ``changes``: every row checked first (nothing written), then written a
  batch per transaction through ``intake`` and the actions; ``outcome`` and ``problems``: what that
  came to, each problem at its row and column in both languages, and the XLSX error report.
- ``run.import_file``: one file for one body, what the command, the office page and its jobs call;
  ``runs``: the ``ImportRun`` record of each file; ``views``: the office upload page;
  ``progress``: the command's progress bar; ``testing``: generated import files.
"""
