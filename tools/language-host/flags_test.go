package main

import "testing"

func TestParseHostFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want hostFlags
	}{
		{"engine address only", []string{"127.0.0.1:5000"}, hostFlags{engineAddress: "127.0.0.1:5000"}},
		{
			"what the engine passes",
			[]string{"--logtostderr", "-v=9", "--tracing", "http://zipkin", "127.0.0.1:5000"},
			hostFlags{engineAddress: "127.0.0.1:5000", tracing: "http://zipkin", logToStderr: true, verbose: 9},
		},
		{
			"older upstream flags are ignored",
			[]string{"-root", "/proj", "-typescript=false", "-tsconfig", "x.json", "-nodeargs", "--inspect",
				"-packagemanager=npm", "127.0.0.1:1"},
			hostFlags{engineAddress: "127.0.0.1:1"},
		},
		{
			"unknown flags never swallow the address",
			[]string{"-brand-new-flag", "--another=1", "127.0.0.1:2"},
			hostFlags{engineAddress: "127.0.0.1:2"},
		},
		{"version", []string{"-version"}, hostFlags{showVersion: true}},
		{"after --", []string{"--", "-odd-address"}, hostFlags{engineAddress: "-odd-address"}},
		{"no arguments", nil, hostFlags{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseHostFlags(tt.args); got != tt.want {
				t.Errorf("parseHostFlags(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}
