package dev.magpie.bench.load;

import picocli.CommandLine;

/**
 * The main class of {@code benchmarks.jar}: {@code java -jar benchmarks.jar load ...} runs the MQTT load generator
 * ({@link LoadCommand}, also {@code bin/magpie bench ...}); anything else goes to JMH as before, e.g.
 * {@code java -jar benchmarks.jar 'dev.magpie.bench.routing' -f 1}.
 */
public final class BenchLauncher {
    private BenchLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("load")) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            System.exit(new CommandLine(new LoadCommand()).execute(rest));
        }
        org.openjdk.jmh.Main.main(args);
    }
}
