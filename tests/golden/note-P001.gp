reset
set terminal svg size 900,620 dynamic font 'Sans,15' background '#ffffff'
set termoption noenhanced
set encoding utf8
set output 'gp/P001/course.svg.tmp.TOKEN'
set grid lc rgb '#cccccc'
set key top right box opaque
set multiplot layout 2,2 margins 0.09,0.98,0.26,0.86 spacing 0.10,0.19 title 'Course P001-C1: scores by session (0-10, lower is better)' noenhanced font 'Sans,17'
$M0 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5.5
6 7 5
7 8 5
8 9 4.5
9 10 4.5
10 11 4
11 12 4
12 13 3.5
13 14 3.5
EOD
$E0 << EOD
0 1 8 8.536474735
1 2 7.518764732 7.29378718
2 3 7.237260146 6.56686156
3 4 7.037529463 6.051099624
4 5 6.88260631 5.651043587
5 6 6.756024877 5.324174004
6 7 6.649001801 5.04780971
7 8 6.556294195 4.808412069
8 9 6.474520292 4.597248384
9 10 6.401371042 4.408356032
10 11 6.335199497 4.237482114
11 12 6.274789609 4.081486449
12 13 6.2192179 3.937984348
13 14 6.167766533 3.805122154
EOD
set title 'Fatigue' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key at screen 0.5,0.065 center center vertical maxrows 3 samplen 2.5 width 1 box
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'pause', $M0 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.756813371 + (8.068933532 - 1.756813371) * exp(-(x - 1) / 9.972219774) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E0 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected from first score', $E0 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M1 << EOD
0 1 7.5
1 2 7
2 3 7
3 4 6
4 5 6
5 6 5.5
6 7 5
7 8 4.5
8 9 4.5
9 10 4
10 11 4
11 12 3.5
12 13 3.5
13 14 3.5
EOD
$E1 << EOD
0 1 7.5 8.111327649
1 2 7.011076425 6.950069224
2 3 6.725074467 6.270776591
3 4 6.522152849 5.788810798
4 5 6.364754614 5.414969086
5 6 6.236150892 5.109518166
6 7 6.127417994 4.851263093
7 8 6.033229274 4.627552373
8 9 5.950148935 4.430225533
9 10 5.875831039 4.25371066
10 11 5.808602324 4.094033535
11 12 5.747227317 3.94825974
12 13 5.690767783 3.814160848
13 14 5.638494419 3.690004667
EOD
set title 'Sleep disturbance' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
unset key
set object 1 rect from graph 0, first 5.5 to graph 1, first 7.5 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'pause', $M1 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.057887745 + (7.630581563 - 1.057887745) * exp(-(x - 1) / 12.0413552) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E1 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected from first score', $E1 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M2 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5
6 7 5
7 8 4.5
8 9 4
9 10 4
10 11 3.5
11 12 3.5
12 13 3
13 14 3
EOD
$E2 << EOD
0 1 8 8.67343187
1 2 7.531462167 7.266715286
2 3 7.257385104 6.443838835
3 4 7.062924334 5.859998702
4 5 6.912088842 5.407137112
5 6 6.788847271 5.037122251
6 7 6.684648008 4.724279144
7 8 6.594386501 4.453282118
8 9 6.514770209 4.2142458
9 10 6.443551009 4.000420528
10 11 6.379125406 3.80699204
11 12 6.320309438 3.630405667
12 13 6.266203993 3.46796195
13 14 6.216110175 3.317562559
EOD
set title 'Difficulty concentrating' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
unset key
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'pause', $M2 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.7368818154 + (8.154484933 - 0.7368818154) * exp(-(x - 1) / 10.52003158) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E2 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected from first score', $E2 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M3 << EOD
0 1 3
1 2 3
2 3 3
3 4 2.5
4 5 2.5
5 6 2
6 7 2
7 8 2
8 9 2
9 10 2
10 11 1.5
11 12 1.5
12 13 1.5
13 14 1.5
EOD
$E3 << EOD
0 1 3 3.394639233
1 2 2.564645605 2.914850648
2 3 2.309979609 2.634192317
3 4 2.12929121 2.435062063
4 5 1.989138399 2.280604638
5 6 1.874625214 2.154403732
6 7 1.777805696 2.047702387
7 8 1.693936815 1.955273478
8 9 1.619959219 1.873745402
9 10 1.553784004 1.800816053
10 11 1.49392124 1.734843432
11 12 1.439270819 1.674615147
12 13 1.388997305 1.619210497
13 14 1.342451301 1.567913802
EOD
set title 'Pain' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
unset key
set object 1 rect from graph 0, first 1 to graph 1, first 3 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'pause', $M3 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.5962417388 + (3.14409373 - 0.5962417388) * exp(-(x - 1) / 11.63947732) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E3 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected from first score', $E3 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
unset multiplot
set output
