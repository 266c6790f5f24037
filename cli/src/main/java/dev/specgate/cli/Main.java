package dev.specgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./specgate}: one command line over every module. */
@Command(name = "specgate", mixinStandardHelpOptions = true, version = "specgate 0.1.0",
        description = "Hybrid speculative-decoding inference gateway.",
        subcommands = {ServeCommand.class, GenerateCommand.class, BenchCommand.class, VerifierCommand.class, DraftCommand.class, LoadCommand.class, PolicyCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A clear one-line error for the user; the stack trace only when asked for.
            cmd.getErr().println("specgate: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("SPECGATE_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
