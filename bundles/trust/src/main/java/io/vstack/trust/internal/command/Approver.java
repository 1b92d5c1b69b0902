package io.vstack.trust.internal.command;

import org.apache.karaf.shell.support.ShellUtil;

/** Who is acting from the shell: the logged-in user, or the local console. */
final class Approver {

    private Approver() {
    }

    static String current() {
        String user = ShellUtil.getCurrentUserName();
        return user == null || user.isBlank() ? "console" : "user:" + user;
    }
}
