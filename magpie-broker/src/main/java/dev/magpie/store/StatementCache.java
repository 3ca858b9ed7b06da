package dev.magpie.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;

/**
 * The writer thread's view of its connection: {@code prepareStatement(sql)} hands back the statement prepared the
 * first time for that SQL, and closing it only clears its parameters. Every message costs the writer a few
 * statements (an in-flight record put and removed, a packet id taken and released); SQLite parsing each of them
 * anew was a large part of the writer's time, and with durable acknowledgements the writer's speed is the
 * latency of every acknowledgement. The writes keep their plain {@code try (PreparedStatement p = ...)} form.
 * Confined to the writer thread (the cache is a plain map).
 */
final class StatementCache {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final Connection view;

    StatementCache(Connection connection) {
        this.connection = connection;
        this.view = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                this::onConnection);
    }

    /** The connection to give writes. */
    Connection connection() {
        return view;
    }

    private Object onConnection(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
            PreparedStatement statement = prepared.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                prepared.put(sql, statement);
            }
            return reusable(statement);
        }
        return invoke(connection, method, args);
    }

    private static PreparedStatement reusable(PreparedStatement statement) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") && (args == null || args.length == 0)) {
                statement.clearParameters(); // kept for the next write of the same SQL
                return null;
            }
            return invoke(statement, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[]{PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
