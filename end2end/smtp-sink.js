// A real SMTP server for the end-to-end run: Portico delivers its mail here
// over SMTP (lettre → smtp://127.0.0.1:PORT), and every message is written
// to a directory as an .eml file that the specs read.
//   node smtp-sink.js <port> <dir>
const { SMTPServer } = require("smtp-server");
const fs = require("node:fs");
const path = require("node:path");

const [port, dir] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      count += 1;
      const file = path.join(dir, `${Date.now()}-${process.pid}-${count}.eml`);
      fs.writeFileSync(file, Buffer.concat(chunks));
      callback();
    });
  },
});
server.listen(Number(port), "127.0.0.1", () => console.log(`SMTP sink on ${port}, writing to ${dir}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
