//! `strand-cli`: Strand's analysis on the command line. All logic is in `strand_cli`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = strand_cli::run(&args, &|path| std::fs::read(path).map_err(|e| format!("{path}: {e}")));
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    std::process::exit(outcome.code);
}
