"""Documents from a plan: Jinja2 Markdown and HTML for both audiences, template checks, and the
`careplan explain` text.

May import: plan and the stages below it.
"""

from __future__ import annotations
