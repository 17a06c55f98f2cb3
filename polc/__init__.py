"""polc: a policy-as-code compiler for Chinese local-government notices."""

__version__ = "0.1.0"
