//! Process-wide cancellation. A Ctrl-C in the terminal reaches the whole process group, this
//! plugin included: instead of dying mid-request (which would lose the reply of a create), the
//! provider stops retrying and waiting, lets in-flight requests finish, and reports the
//! interruption. Terraform then saves whatever state the operations returned.

use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

static CANCELLED: AtomicBool = AtomicBool::new(false);
static NOTIFY: Notify = Notify::const_new();

/// Ask every pending wait to stop.
pub fn cancel() {
    CANCELLED.store(true, Ordering::SeqCst);
    NOTIFY.notify_waiters();
}

pub fn is_cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// Resolves once [`cancel`] has been called.
pub async fn cancelled() {
    loop {
        let notified = NOTIFY.notified();
        if is_cancelled() {
            return;
        }
        notified.await;
    }
}

/// Sleep for `d`, or less if cancelled. True when the full time elapsed.
pub async fn sleep(d: std::time::Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => true,
        _ = cancelled() => false,
    }
}
