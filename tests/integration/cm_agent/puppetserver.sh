# Debian's puppetserver 7, started by hand (no service manager) with its whole
# state in one scratch directory: its own confdir, vardir, codedir, CA and
# port, autosign on, listening on loopback only. Sourced by the tests and the
# benchmark; needs PS_DIR and PS_PORT set.
#   ps_setup            write the configuration
#   ps_start [LOG]      start it in the background (PS_PID)
#   ps_wait SECONDS     wait until it answers certificate/ca; 1 when it did not
#   ps_stop             stop it (TERM, then KILL)
PS_JAR=${PS_JAR:-/usr/share/puppetserver/puppetserver.jar}
PS_BOOTSTRAP=${PS_BOOTSTRAP:-/etc/puppet/puppetserver/services.d}
# the tests favour a quick start (C1 only); the benchmark asks for the full JIT
PS_JAVA_OPTS=${PS_JAVA_OPTS--XX:TieredStopAtLevel=1}

ps_available() {
	[ -r "$PS_JAR" ] && [ -d "$PS_BOOTSTRAP" ] && command -v java >/dev/null
}

ps_setup() {
	local d=$PS_DIR
	mkdir -p $d/conf.d $d/puppet $d/code/environments/production/manifests $d/code/environments/production/modules \
		$d/var $d/run $d/log
	cat > $d/puppet/puppet.conf <<CONF
[server]
certname = localhost
dns_alt_names = localhost,127.0.0.1
autosign = true
vardir = $d/var
ssldir = $d/puppet/ssl
cadir = $d/puppet/ssl/ca
reportdir = $d/var/reports
reports = store
codedir = $d/code
logdir = $d/log
rundir = $d/run
environment_timeout = unlimited
CONF
	cat > $d/conf.d/puppetserver.conf <<CONF
jruby-puppet: {
    ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]
    gem-home: $d/var/jruby-gems
    gem-path: [$d/var/jruby-gems, "/usr/lib/puppetserver/vendored-jruby-gems"]
    server-conf-dir: $d/puppet
    server-code-dir: $d/code
    server-var-dir: $d/var
    server-run-dir: $d/run
    server-log-dir: $d/log
    max-active-instances: 1
}
http-client: {}
profiler: {}
CONF
	cat > $d/conf.d/webserver.conf <<CONF
webserver: {
    client-auth: want
    ssl-host: 127.0.0.1
    ssl-port: $PS_PORT
}
CONF
	cat > $d/conf.d/global.conf <<CONF
global: {
    logging-config: $d/logback.xml
}
CONF
	echo 'certificate-authority: {}' > $d/conf.d/ca.conf
	cp /etc/puppet/puppetserver/conf.d/auth.conf /etc/puppet/puppetserver/conf.d/web-routes.conf \
		/etc/puppet/puppetserver/conf.d/metrics.conf $d/conf.d/
	cat > $d/logback.xml <<CONF
<configuration scan="false">
  <appender name="F" class="ch.qos.logback.core.FileAppender">
    <file>$d/log/puppetserver.log</file>
    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>
  </appender>
  <root level="info"><appender-ref ref="F"/></root>
</configuration>
CONF
}

ps_start() {
	local log=${1:-$PS_DIR/log/stdout.log}
	(cd /usr/share/puppetserver && exec java -Xms512m -Xmx1g -XX:+UseSerialGC $PS_JAVA_OPTS \
		-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger \
		-Djruby.lib=/usr/share/jruby/lib -jar "$PS_JAR" \
		--config "$PS_DIR/conf.d" --bootstrap-config "$PS_BOOTSTRAP" >"$log" 2>&1) &
	PS_PID=$!
}

ps_wait() {
	local deadline=$((SECONDS + $1))
	while [ $SECONDS -lt $deadline ]; do
		kill -0 $PS_PID 2>/dev/null || return 1
		if curl -skf --max-time 5 "https://127.0.0.1:$PS_PORT/puppet-ca/v1/certificate/ca" >/dev/null 2>&1; then
			return 0
		fi
		sleep 2
	done
	return 1
}

ps_stop() {
	[ -n "${PS_PID:-}" ] || return 0
	kill -TERM $PS_PID 2>/dev/null
	for _ in $(seq 1 30); do kill -0 $PS_PID 2>/dev/null || break; sleep 1; done
	kill -KILL $PS_PID 2>/dev/null
	wait $PS_PID 2>/dev/null
	PS_PID=
}
