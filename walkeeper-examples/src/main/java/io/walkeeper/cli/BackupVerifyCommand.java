package io.walkeeper.cli;

import io.walkeeper.api.BackupSelector;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.VerificationResult;
import io.walkeeper.core.WalKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code backup-verify [NAME|LATEST]}: checks that a backup can be restored, without restoring it. */
@Command(name = "backup-verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check that a backup can be restored, writing nothing: every stored part of it and of the backups "
                + "it is built on is read and checked against the manifest (size, SHA-256, decryption, decompression, "
                + "the files it must hold), and the WAL from its start to its stop segment is looked up in the archive.",
                "Exits 0 when the backup is restorable, 6 (integrity) when something is wrong, naming each problem."})
public final class BackupVerifyCommand implements Callable<Integer> {
    @ParentCommand
    WalKeeperCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|LATEST", defaultValue = "LATEST",
            description = "the backup (see backup-list), or LATEST (the default)")
    String name;

    @Option(names = "--accept-unsigned-manifest", description = "in an encrypted repository, do not report a manifest "
            + "without a signature (one taken before manifests were signed, or on a host without the private key)")
    boolean acceptUnsigned;

    @Override
    public Integer call() {
        VerificationResult result;
        try (WalKeeper wk = WalKeeperFactory.repository(root.configuration())) {
            result = wk.restorer().verify(BackupSelector.named(name), acceptUnsigned);
        }
        String summary = result.backup() + ": " + result.partsChecked() + " part(s), " + result.bytesChecked()
                + " bytes read from " + result.chain().size() + " backup(s) " + result.chain() + "; "
                + result.walSegmentsChecked() + " WAL segment(s) looked up";
        if (result.ok()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(summary + ": OK");
            out.flush();
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("ERROR: backup " + result.backup() + " cannot be restored: " + result.problems().size() + " problem(s)");
        result.problems().forEach(p -> err.println("  " + p));
        err.println(summary);
        err.flush();
        return ErrorCode.INTEGRITY.exitCode();
    }
}
