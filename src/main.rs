//! `calc`: parse the arguments, run, exit with the documented status.

use clap::Parser;

fn main() {
    let cli = match calc::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                calc::app::INVALID
            } else {
                calc::app::OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = calc::app::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}
