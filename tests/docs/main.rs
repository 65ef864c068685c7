//! Documentation checks: docs/ against the provider's schema as the Terraform CLI reports it,
//! links, frontmatter and `terraform fmt` of every snippet, and the examples (each validates,
//! the demo applies against the mock). A test binary of its own, apart from the acceptance tests
//! of the provider's behaviour; it shares their harness (`tests/common/`). Which checks run
//! depends on the CLI (see `docs_text`), so scripts/test.sh runs them with both CLIs.

#[path = "../common/mod.rs"]
mod common;

mod docs_check;
mod docs_coverage;
mod docs_text;
mod examples;
