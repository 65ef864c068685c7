//! The provider plugin binary: Terraform starts it and talks gRPC (plugin protocol 6).

mod plugin;

use hostup::provider::HostupProvider;

fn main() {
    // tf-provider attaches a backtrace to every diagnostic when backtraces are enabled; users
    // must see our messages, not stack traces. Set before any thread starts.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    // Before any other thread starts (it edits the environment) and before tf-provider prints
    // its handshake: see src/plugin/mod.rs.
    let front = plugin::prepare();
    // One thread is enough: every call waits on Terraform or on HTTP, and each extra thread costs
    // a stack and a malloc arena (peak RSS is one of the figures we are measured on).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-hostup: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let served = runtime.block_on(async {
        // Ctrl-C in a terminal signals the whole process group. The default action would kill
        // the plugin mid-request; instead stop waiting and retrying, and let Terraform finish.
        tokio::spawn(async {
            while tokio::signal::ctrl_c().await.is_ok() {
                hostup::cancel::cancel();
            }
        });
        let front = front.map(plugin::Front::start);
        let served = tf_provider::serve("hostup", HostupProvider::new()).await;
        // tf-provider has stopped (Terraform is done with the plugin): let the front pass on
        // the last replies before the process exits.
        if let Some(front) = front {
            front.drain(std::time::Duration::from_secs(2)).await;
        }
        served
    });
    if let Err(e) = served {
        eprintln!("terraform-provider-hostup: {e}");
        std::process::exit(1);
    }
}
