"""Access reviews: who gains or loses access to which workspace in a `pulumi preview --json`,
as Markdown for a pull/merge request (`python -m modelarts_provider review`).

`preview` reads the document, `access` works out what changes for whom, `markdown` words it
(for a code change or for drift), `comment` posts it, `command` is the CLI."""
