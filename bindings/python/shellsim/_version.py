"""The version of the Python package (no imports: setuptools reads it)."""

__version__ = "0.3.0"

# The library this package is written for: shellsim_version_number() must
# have this major and minor (see _lib.check_version for the rule).
LIBRARY_MAJOR = 0
LIBRARY_MINOR = 3
