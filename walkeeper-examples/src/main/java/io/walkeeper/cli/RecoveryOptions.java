package io.walkeeper.cli;

import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.Lsn;
import io.walkeeper.api.RecoveryTarget;
import io.walkeeper.api.RecoveryTargetAction;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * The {@code --recovery-target*} options of {@code backup-fetch}, named after PostgreSQL's
 * settings. At most one target; {@code --recovery-target-inclusive} applies to time, LSN and
 * transaction targets, {@code --recovery-target-action} to any target.
 */
public final class RecoveryOptions {

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Recovery target (at most one; default: replay all archived WAL)%n")
    Target target;

    @Option(names = "--recovery-target-inclusive", paramLabel = "true|false", arity = "1", converter = BooleanConverter.class,
            description = "stop just after (true, PostgreSQL's default) or just before (false) the target")
    Boolean inclusive;

    @Option(names = "--recovery-target-action", paramLabel = "promote|pause|shutdown", converter = ActionConverter.class,
            description = "what the server does at the target (PostgreSQL's default: pause)")
    RecoveryTargetAction action;

    @Option(names = "--recovery-target-timeline", paramLabel = "latest|current|N", converter = TimelineConverter.class,
            description = "the timeline to follow (PostgreSQL's default: latest)")
    String timeline;

    /** The mutually exclusive targets; each option's value is converted into the target itself. */
    static final class Target {
        @Option(names = "--recovery-target-time", paramLabel = "TIME", converter = TimeConverter.class,
                description = "a time with zone: 2026-11-21T10:15:03Z or 2026-11-21 10:15:03.123456+00")
        RecoveryTarget time;

        @Option(names = "--recovery-target-lsn", paramLabel = "LSN", converter = LsnConverter.class,
                description = "a WAL location such as 0/3000060")
        RecoveryTarget lsn;

        @Option(names = "--recovery-target-xid", paramLabel = "XID", converter = XidConverter.class,
                description = "a transaction id; recovery stops at its commit")
        RecoveryTarget xid;

        @Option(names = "--recovery-target-name", paramLabel = "NAME", converter = NameConverter.class,
                description = "a restore point made with pg_create_restore_point()")
        RecoveryTarget name;

        @Option(names = "--recovery-target-immediate",
                description = "stop as soon as the backup is consistent (recovery_target = 'immediate')")
        boolean immediate;

        RecoveryTarget chosen() {
            if (immediate) {
                return RecoveryTarget.immediate();
            }
            for (RecoveryTarget t : new RecoveryTarget[] {time, lsn, xid, name}) {
                if (t != null) {
                    return t;
                }
            }
            return RecoveryTarget.latest();
        }
    }

    /**
     * Builds the recovery target the options describe. An option that PostgreSQL would ignore for
     * the chosen target ({@code --recovery-target-inclusive} without a time, LSN or transaction
     * target; {@code --recovery-target-action} without any target) is left out with a warning.
     *
     * @return the target, {@link RecoveryTarget#latest()} when none is given
     */
    public RecoveryTarget toTarget() {
        RecoveryTarget t = target == null ? RecoveryTarget.latest() : target.chosen();
        if (inclusive != null) {
            if (t.type() == RecoveryTarget.Type.TIME || t.type() == RecoveryTarget.Type.LSN || t.type() == RecoveryTarget.Type.XID) {
                t = t.withInclusive(inclusive);
            } else {
                ignored("--recovery-target-inclusive applies only with --recovery-target-time, --recovery-target-lsn or "
                        + "--recovery-target-xid");
            }
        }
        if (action != null) {
            if (t.type() == RecoveryTarget.Type.LATEST) {
                ignored("--recovery-target-action needs a recovery target: without one, PostgreSQL replays all archived WAL "
                        + "and is promoted at its end");
            } else {
                t = t.withAction(action);
            }
        }
        if (timeline != null) {
            t = t.withTimeline(timeline);
        }
        return t;
    }

    private static void ignored(String why) {
        LoggerFactory.getLogger(RecoveryOptions.class).warn("Ignoring an option: {}", why);
    }

    private abstract static class Converter<T> implements ITypeConverter<T> {
        @Override
        public T convert(String value) {
            try {
                return parse(value);
            } catch (InvalidRequestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        abstract T parse(String value);
    }

    /** Parses {@code --recovery-target-time}; a time without a zone is refused. */
    static final class TimeConverter extends Converter<RecoveryTarget> {
        @Override
        RecoveryTarget parse(String value) {
            return RecoveryTarget.time(RecoveryTarget.parseTime(value));
        }
    }

    /** Parses {@code --recovery-target-lsn}. */
    static final class LsnConverter extends Converter<RecoveryTarget> {
        @Override
        RecoveryTarget parse(String value) {
            return RecoveryTarget.lsn(Lsn.parse(value));
        }
    }

    /** Parses {@code --recovery-target-xid}. */
    static final class XidConverter extends Converter<RecoveryTarget> {
        @Override
        RecoveryTarget parse(String value) {
            return RecoveryTarget.xid(value);
        }
    }

    /** Parses {@code --recovery-target-name}. */
    static final class NameConverter extends Converter<RecoveryTarget> {
        @Override
        RecoveryTarget parse(String value) {
            return RecoveryTarget.name(value);
        }
    }

    /** Parses {@code --recovery-target-action}. */
    static final class ActionConverter extends Converter<RecoveryTargetAction> {
        @Override
        RecoveryTargetAction parse(String value) {
            return RecoveryTargetAction.parse(value);
        }
    }

    /** Checks {@code --recovery-target-timeline}. */
    static final class TimelineConverter extends Converter<String> {
        @Override
        String parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            RecoveryTarget.latest().withTimeline(v);
            return v;
        }
    }

    /** Accepts PostgreSQL's spellings of a boolean. */
    static final class BooleanConverter implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1" -> Boolean.TRUE;
                case "false", "off", "no", "0" -> Boolean.FALSE;
                default -> throw new TypeConversionException("'" + value + "' is not a boolean: use true or false");
            };
        }
    }
}
