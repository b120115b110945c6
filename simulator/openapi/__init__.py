"""LINE's OpenAPI files (Apache-2.0, see LICENSE), copied from line/line-openapi.

A package so that setuptools ships the .yml files inside the wheel."""
