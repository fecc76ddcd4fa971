//! The vlab binary: parse settings, then hand over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::keep_large_allocations_returnable();
    let cli = server::config::Cli::parse();
    if cli.print_openapi {
        println!("{:#}", server::http::openapi_document());
        return Ok(());
    }
    let config = server::config::Config::load(cli)?;
    server::telemetry::init(config.log_format);
    let app = server::Application::build(config).await?;
    app.run_until_stopped().await
}
